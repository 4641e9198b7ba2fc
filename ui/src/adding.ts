// Adding accounts from a link, an image or the clipboard, reported in a toast.
import * as api from "./api";
import { reportAdded, showError } from "./status";

/** The largest image read (the app refuses more too). */
const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

/** Reports what an add command did; true when it worked. */
export async function addFrom(adding: Promise<api.Added>): Promise<boolean> {
  try {
    reportAdded(await adding);
    return true;
  } catch (e) {
    showError(api.messageOf(e));
    return false;
  }
}

/** An image by its type, or by its name when the type is missing. */
export function isImage(file: File): boolean {
  return file.type.startsWith("image/") || /\.(png|jpe?g|gif|bmp|webp)$/i.test(file.name);
}

/** Adds the accounts in an image file's QR codes; true when it worked. */
export async function addImageFile(file: File): Promise<boolean> {
  if (!isImage(file)) {
    showError(`${file.name} is not an image; drop or pick a screenshot or photo of the QR code`);
    return false;
  }
  if (file.size > MAX_IMAGE_BYTES) {
    showError(`${file.name} is over 50 MB; use a screenshot or a smaller photo`);
    return false;
  }
  return addFrom(file.arrayBuffer().then((buffer) => api.addImage(new Uint8Array(buffer))));
}
