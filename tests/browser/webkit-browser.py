#!/usr/bin/python3
# The WebKit browser the test harness drives (harness-webkit.js): WebKitGTK
# (Debian's libwebkit2gtk-4.1, through GObject introspection) in a bare GTK
# window, started by WebKitWebDriver as its browser binary with --automation.
#
# Why not WebKitGTK's MiniBrowser: with --automation it keeps all website
# data in an ephemeral (in-memory) session, so a restart or a kill of the
# browser always finds empty storage, and its toolbar keeps its window at
# least 447 px wide. This one keeps IndexedDB and localStorage on disk under
# PD_WEBKIT_DATA (the harness's profile directory), like a user's browser,
# and its window has no toolbar (phone-sized viewports work).
#
# Usage (by WebKitWebDriver, capabilities webkitgtk:browserOptions):
#   PD_WEBKIT_DATA=dir webkit-browser.py --automation
import os
import sys

import gi

gi.require_version('Gtk', '3.0')
gi.require_version('WebKit2', '4.1')
from gi.repository import Gtk, WebKit2  # noqa: E402

data = os.environ.get('PD_WEBKIT_DATA')
if not data:
    sys.exit('webkit-browser.py: PD_WEBKIT_DATA (the profile directory) is required')
if '--automation' not in sys.argv[1:]:
    sys.exit('webkit-browser.py: only runs under WebKitWebDriver (--automation)')

manager = WebKit2.WebsiteDataManager(
    base_data_directory=os.path.join(data, 'data'),
    base_cache_directory=os.path.join(data, 'cache'))
context = WebKit2.WebContext(website_data_manager=manager)
context.set_automation_allowed(True)
windows = []


def new_view(_session=None):
    view = WebKit2.WebView(web_context=context, is_controlled_by_automation=True)
    settings = view.get_settings()
    settings.set_enable_developer_extras(True)
    window = Gtk.Window()
    window.set_default_size(1280, 800)
    window.add(view)
    window.connect('destroy', lambda w: closed(w))
    view.connect('close', lambda v: window.destroy())
    windows.append(window)
    window.show_all()
    return view


def closed(window):
    if window in windows:
        windows.remove(window)


def automation_started(_context, session):
    info = WebKit2.ApplicationInfo()
    info.set_name('pocketdynamo-webkit')
    info.set_version(WebKit2.get_major_version(), WebKit2.get_minor_version(), WebKit2.get_micro_version())
    session.set_application_info(info)
    session.connect('create-web-view', new_view)


context.connect('automation-started', automation_started)
Gtk.main()
