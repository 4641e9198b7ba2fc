// Scanning with the camera: the newest video frame goes to the app as grey
// pixels, one frame in flight at a time, until one holds an account.
import * as api from "../api";
import { button, el, type View } from "../dom";
import { reportAdded } from "../status";
import type { PanelHost } from "./host";

const HOLD_UP = "Hold the QR code up to the camera";
const NO_CAMERA = "No camera was found. Connect a webcam, or add the account from a screenshot instead.";
const NOT_ALLOWED = "Twofold may not use the camera. Allow camera access for Twofold, or add the account from a screenshot instead.";
const IN_USE = "The camera is busy in another app. Close that app and try again.";
/** How long a note from the app stays before the hint comes back: detection flickers from frame to frame. */
const NOTE_MS = 3000;

/** Clear words for a getUserMedia failure. */
function cameraTrouble(e: unknown): string {
  const name = e && typeof e === "object" && "name" in e ? String(e.name) : "";
  if (name === "NotFoundError" || name === "OverconstrainedError") return NO_CAMERA;
  if (name === "NotAllowedError" || name === "SecurityError") return NOT_ALLOWED;
  if (name === "NotReadableError" || name === "AbortError") return IN_USE;
  return api.messageOf(e);
}

/** Packs the canvas's RGBA pixels as 8-bit luma into `into` (BT.601 weights in 8-bit fixed point). */
function toLuma(rgba: Uint8ClampedArray, into: Uint8Array): void {
  const pixels = into.length;
  for (let i = 0, j = 0; i < pixels; i += 1, j += 4) {
    into[i] = (rgba[j] * 77 + rgba[j + 1] * 150 + rgba[j + 2] * 29) >> 8;
  }
}

export function cameraPanel(host: PanelHost): View {
  /** Set once the camera is stopped: checked before each send and after each await. */
  let stopped = false;
  let session: number | null = null;
  let stream: MediaStream | null = null;
  let sent = 0;
  let frame = 0;
  let timer = 0;
  let noteUntil = 0;
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let luma = new Uint8Array(0);
  /** Counts camera opens: a slower, older open must not keep its stream. */
  let opening = 0;

  const video = el("video", { id: "camera-video", autoplay: "", muted: "", playsinline: "" });
  video.muted = true;
  // Shown once a stream plays: an empty black box says nothing.
  video.hidden = true;
  const status = el("p", { id: "camera-status", role: "status", "aria-live": "polite" }, "Starting the camera…");
  const choice = el("select", { id: "camera-choice", "aria-label": "Camera", hidden: "" });
  const node = el("section", { id: "camera", class: "card", "aria-label": "Scan with camera" });
  node.append(el("h2", {}, "Scan with camera"), choice, video, status, button("close-camera", "Close", () => host.close(), { autofocus: "" }));
  // The end-to-end tests read how many frames this panel has sent so far.
  document.body.dataset.cameraFrames = "0";

  const say = (text: string, hold = 0) => {
    if (status.textContent !== text) status.textContent = text;
    if (hold) noteUntil = Date.now() + hold;
  };

  const stopTracks = () => {
    for (const track of stream?.getTracks() ?? []) track.stop();
    stream = null;
    video.srcObject = null;
    video.hidden = true;
  };

  const stop = () => {
    if (stopped) return;
    stopped = true;
    cancelAnimationFrame(frame);
    window.clearTimeout(timer);
    stopTracks();
    // The last frame may show an enrollment code: leave no copy of it behind.
    luma.fill(0);
    canvas.width = 0;
    if (session !== null) {
      void api.cameraStop(session).catch(() => undefined);
      session = null;
    }
  };

  const next = () => {
    if (!stopped) frame = requestAnimationFrame(() => void step());
  };

  const step = async () => {
    if (stopped || session === null || !context) return;
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (video.readyState < 2 || width === 0 || height === 0) return next();
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    context.drawImage(video, 0, 0, width, height);
    if (luma.length !== width * height) luma = new Uint8Array(width * height);
    toLuma(context.getImageData(0, 0, width, height).data, luma);
    if (stopped) return;
    sent += 1;
    document.body.dataset.cameraFrames = String(sent);
    let reply: api.Frame;
    try {
      reply = await api.cameraFrame(session, width, height, luma);
    } catch (e) {
      if (stopped) return;
      const error = api.errorOf(e);
      say(error.message, NOTE_MS);
      // The session is gone (locked, or stopped meanwhile): nothing more to send to.
      if (error.kind === "camera" || error.kind === "locked") stop();
      else timer = window.setTimeout(next, 1000);
      return;
    }
    if (stopped) return;
    if (reply.state === "added") {
      stop();
      if (reply.added) reportAdded(reply.added);
      host.close();
      return;
    }
    if (reply.state === "nothing" && reply.note) say(reply.note, NOTE_MS);
    else if (Date.now() > noteUntil) say(HOLD_UP);
    next();
  };

  /** Opens the camera `deviceId` (or the default one) into the video; false when it failed (and said why). */
  const openStream = async (deviceId?: string): Promise<boolean> => {
    // Opens can overlap (the chooser changed twice quickly): only the
    // latest keeps its stream, any other is stopped at once.
    const mine = ++opening;
    const wanted: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 } };
    if (deviceId) wanted.deviceId = { exact: deviceId };
    try {
      const fresh = await navigator.mediaDevices.getUserMedia({ video: wanted, audio: false });
      if (stopped || mine !== opening) {
        for (const track of fresh.getTracks()) track.stop();
        return false;
      }
      stream = fresh;
      video.srcObject = fresh;
      video.hidden = false;
      video.play().catch(() => undefined);
      return true;
    } catch (e) {
      if (!stopped) say(cameraTrouble(e));
      return false;
    }
  };

  /** Offers a choice when there is more than one camera (labels are known once access is granted). */
  const listCameras = async () => {
    try {
      const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "videoinput");
      if (stopped || cameras.length < 2) return;
      choice.replaceChildren(...cameras.map((d, i) => el("option", { value: d.deviceId }, d.label || `Camera ${i + 1}`)));
      const current = stream?.getVideoTracks()[0]?.getSettings().deviceId;
      if (current) choice.value = current;
      choice.hidden = false;
    } catch {
      // Without the list the default camera still scans.
    }
  };

  choice.addEventListener("change", async () => {
    stopTracks();
    if (await openStream(choice.value)) say(HOLD_UP);
  });

  const begin = async () => {
    if (!navigator.mediaDevices?.getUserMedia) return say(NO_CAMERA);
    if (!context) return say("This window cannot read camera pictures; add the account from a screenshot instead.");
    let id: number;
    try {
      id = await api.cameraStart();
    } catch (e) {
      if (!stopped) say(api.messageOf(e));
      return;
    }
    if (stopped) {
      // Closed while the session was opening: end it too.
      void api.cameraStop(id).catch(() => undefined);
      return;
    }
    session = id;
    if (!(await openStream())) return stop();
    say(HOLD_UP);
    await listCameras();
    next();
  };

  const onVisibility = () => {
    if (document.visibilityState === "hidden") host.close();
  };
  document.addEventListener("visibilitychange", onVisibility);
  void begin();

  return {
    node,
    dispose() {
      document.removeEventListener("visibilitychange", onVisibility);
      stop();
    },
  };
}
