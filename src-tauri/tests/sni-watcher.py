#!/usr/bin/python3
# A stand-in for a desktop's tray host (org.kde.StatusNotifierWatcher) on
# the test's D-Bus session, so that the app's tray icon registers its menu
# there as it would with a real panel. Prints "WATCHER READY" once it owns
# the name, then "REGISTERED <sender> <object path>" for each tray item; the
# test then opens the item's menu over D-Bus (com.canonical.dbusmenu), as a
# panel does when the user clicks. Needs Debian's python3-gi.
from gi.repository import Gio, GLib

XML = """<node><interface name="org.kde.StatusNotifierWatcher">
<method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
<method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
<property name="RegisteredStatusNotifierItems" type="as" access="read"/>
<property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
<property name="ProtocolVersion" type="i" access="read"/>
<signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
</interface></node>"""
items = []


def called(connection, sender, path, interface, method, parameters, invocation):
    (item,) = parameters.unpack()
    if method == "RegisterStatusNotifierItem":
        # An item names its object path (ours do) or its bus name.
        items.append(sender + item if item.startswith("/") else item)
        print("REGISTERED", sender, item, flush=True)
    invocation.return_value(None)


def property_of(connection, sender, path, interface, name):
    return {
        "RegisteredStatusNotifierItems": GLib.Variant("as", items),
        "IsStatusNotifierHostRegistered": GLib.Variant("b", True),
        "ProtocolVersion": GLib.Variant("i", 0),
    }[name]


node = Gio.DBusNodeInfo.new_for_xml(XML)


def bus_acquired(connection, name):
    connection.register_object("/StatusNotifierWatcher", node.interfaces[0], called, property_of, None)


Gio.bus_own_name(
    Gio.BusType.SESSION,
    "org.kde.StatusNotifierWatcher",
    Gio.BusNameOwnerFlags.NONE,
    bus_acquired,
    lambda *_: print("WATCHER READY", flush=True),
    lambda *_: print("WATCHER LOST", flush=True),
)
GLib.MainLoop().run()
