package com.audmg.drive.desktop.ui;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * Runs the real app (real glass, an X display with a window manager; see {@link WindowManagerTest}) and reports what
 * the window manager did, as {@code PROBE key=value} lines: the main window's size as the X server has it, where the
 * Settings dialog opened relative to the main window, and the main window's maximised state (JavaFX's and the
 * window manager's {@code _NET_WM_STATE}) before, during and after a dialog. Then exits.
 */
public final class WindowManagerProbe {

    private WindowManagerProbe() {
    }

    public static void main(String[] args) {
        Thread probe = new Thread(WindowManagerProbe::run, "wm-probe");
        probe.setDaemon(true);
        probe.start();
        com.audmg.drive.desktop.Launcher.main(args);
    }

    private static void run() {
        try {
            await("main window", () -> onFxQuiet(() -> main() != null) == Boolean.TRUE);
            String id = await("X11 window", () -> !mainX11().isEmpty()) ? mainX11() : "";
            Thread.sleep(1000); // the window manager's placement settles
            print("first.size", outerSize(id));
            print("first.stage", onFx(() -> size(main())));
            print("first.maximized", onFx(() -> main().isMaximized()) + " " + netWmState(id));

            print("dialog", dialogOffset());
            closeDialog();

            onFx(() -> {
                main().setMaximized(true);
                return null;
            });
            await("maximised", () -> netWmState(id).contains("MAXIMIZED_VERT"));
            Thread.sleep(500);
            print("maximized.before", onFx(() -> main().isMaximized()) + " " + netWmState(id));
            String offset = dialogOffset();
            print("maximized.during", onFx(() -> main().isMaximized()) + " " + netWmState(id));
            print("maximized.dialog", offset);
            closeDialog();
            Thread.sleep(2500); // longer than WindowGeometry holds the window
            print("maximized.after", onFx(() -> main().isMaximized()) + " " + netWmState(id));
            print("done", "true");
        } catch (Throwable e) {
            print("failed", e.toString());
        }
        System.exit(0);
    }

    /** Opens the Settings dialog from the login screen; the dialog's centre minus the main window's centre. */
    private static String dialogOffset() throws Exception {
        Platform.runLater(() -> ((ButtonBase) main().getScene().lookup("#connectionSettings")).fire()); // shows, waits
        await("dialog", () -> onFxQuiet(() -> dialog() != null) == Boolean.TRUE);
        // Shown, centred, placed by the window manager: read once its geometry has not moved for half a second.
        String last = "";
        int same = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Thread.sleep(500);
        while (same < 5 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            String now = onFx(() -> size(dialog()) + " " + size(main()));
            same = now.equals(last) ? same + 1 : 0;
            last = now;
        }
        return onFx(() -> {
            Window d = dialog();
            Stage m = main();
            double dx = d.getX() + d.getWidth() / 2 - (m.getX() + m.getWidth() / 2);
            double dy = d.getY() + d.getHeight() / 2 - (m.getY() + m.getHeight() / 2);
            return String.format(Locale.ROOT, "%.0f,%.0f %s main %s", dx, dy, size(d), size(m));
        });
    }

    private static void closeDialog() throws Exception {
        onFx(() -> {
            DialogPane pane = (DialogPane) dialog().getScene().getRoot();
            for (ButtonType t : pane.getButtonTypes()) {
                if (t.getButtonData() == ButtonBar.ButtonData.CANCEL_CLOSE) {
                    ((Button) pane.lookupButton(t)).fire();
                }
            }
            return null;
        });
        await("dialog closed", () -> onFxQuiet(() -> dialog() == null) == Boolean.TRUE);
    }

    /** The main window (on the FX thread), or null. */
    private static Stage main() {
        for (Window w : Window.getWindows()) {
            if (w instanceof Stage s && s.isShowing() && "Audmg Drive".equals(s.getTitle())) {
                return s;
            }
        }
        return null;
    }

    /** The dialog showing (on the FX thread), or null. */
    private static Window dialog() {
        for (Window w : Window.getWindows()) {
            if (w.isShowing() && w.getScene() != null && w.getScene().getRoot() instanceof DialogPane) {
                return w;
            }
        }
        return null;
    }

    private static String size(Window w) {
        return String.format(Locale.ROOT, "%.0fx%.0f@%.0f,%.0f", w.getWidth(), w.getHeight(), w.getX(), w.getY());
    }

    private static String mainX11() {
        String out = tool("xdotool", "search", "--onlyvisible", "--name", "^Audmg Drive$");
        String[] ids = out.strip().split("\\s+");
        return out.isBlank() || out.startsWith("exit") ? "" : ids[ids.length - 1];
    }

    /** The client window's size as the X server has it ({@code WxH}). */
    private static String x11Size(String id) {
        for (String line : tool("xdotool", "getwindowgeometry", id).split("\n")) {
            if (line.strip().startsWith("Geometry:")) {
                return line.strip().substring("Geometry:".length()).strip();
            }
        }
        return "unknown";
    }

    /** The window's size with the window manager's frame ({@code _NET_FRAME_EXTENTS}), as JavaFX's stage sizes are. */
    private static String outerSize(String id) {
        String[] client = x11Size(id).split("x");
        String extents = tool("xprop", "-id", id, "_NET_FRAME_EXTENTS");
        int eq = extents.indexOf('=');
        if (client.length != 2 || eq < 0) {
            return "unknown: " + x11Size(id) + " " + extents.strip();
        }
        String[] e = extents.substring(eq + 1).strip().split(",\\s*");
        int w = Integer.parseInt(client[0].strip()) + Integer.parseInt(e[0]) + Integer.parseInt(e[1]);
        int h = Integer.parseInt(client[1].strip()) + Integer.parseInt(e[2]) + Integer.parseInt(e[3]);
        return w + "x" + h;
    }

    private static String netWmState(String id) {
        return tool("xprop", "-id", id, "_NET_WM_STATE").strip();
    }

    private static String tool(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            return code == 0 ? out : "exit " + code + " " + out;
        } catch (Exception e) {
            return "exit " + e;
        }
    }

    private static boolean await(String what, BooleanSupplier check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
        return true;
    }

    private static <T> T onFx(Callable<T> work) {
        return com.audmg.drive.desktop.testing.Fx.fx(work);
    }

    /** Null before the toolkit runs. */
    private static <T> T onFxQuiet(Callable<T> work) {
        try {
            return onFx(work);
        } catch (Exception | Error toolkitNotStarted) {
            return null;
        }
    }

    private static void print(String key, String value) {
        System.out.println("PROBE " + key + "=" + value);
        System.out.flush();
    }
}
