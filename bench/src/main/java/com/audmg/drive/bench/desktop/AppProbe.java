package com.audmg.drive.bench.desktop;

import com.audmg.drive.desktop.Launcher;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.stage.Window;

/**
 * The real app ({@link Launcher#main}) plus a thread that drives it like a user, for {@link DesktopBench}: it logs
 * in through the login form, waits until the grid lists the expected number of files and every thumbnail on screen
 * has loaded, and says so on stdout ({@code PROBE ready ...}). On a {@code gc} line on stdin it collects garbage and
 * prints the heap in use ({@code PROBE heap ...}). Nothing of it runs in the normal app.
 */
public final class AppProbe {

    static final String USER = "audmg.probe.user";
    static final String PASSWORD = "audmg.probe.password";
    static final String FILES = "audmg.probe.files";
    /** {@code cache}: no login; waits for the grid to list the cached library, then scrolls and searches it. */
    static final String MODE = "audmg.probe.mode";
    static final String SCROLL_STEPS = "audmg.probe.scrollSteps";

    private AppProbe() {
    }

    public static void main(String[] args) {
        Thread probe = new Thread(AppProbe::drive, "bench-probe");
        probe.setDaemon(true);
        probe.start();
        Launcher.main(args);
    }

    private static void drive() {
        if ("cache".equals(System.getProperty(MODE))) {
            try {
                fromCache(Integer.getInteger(FILES, 0), Integer.getInteger(SCROLL_STEPS, 100));
            } catch (Exception e) {
                System.out.println("PROBE failed " + e);
                System.out.flush();
            }
            return;
        }
        try {
            String user = System.getProperty(USER);
            String password = System.getProperty(PASSWORD);
            int expected = Integer.getInteger(FILES, 0);
            await("login form", () -> {
                try {
                    return onFx(() -> {
                        Scene s = scene();
                        return s != null && s.lookup("#username") != null && s.lookup("#submit") != null;
                    });
                } catch (IllegalStateException toolkitNotStartedYet) {
                    return false;
                }
            });
            long login = System.nanoTime();
            onFx(() -> {
                Scene s = scene();
                ((TextField) s.lookup("#username")).setText(user);
                ((TextField) s.lookup("#password")).setText(password);
                ((Button) s.lookup("#submit")).fire();
                return null;
            });
            // On a loaded machine the first login may time out while the local cloud starts its functions: as a
            // user would, the probe presses Log in again when the form is back and enabled.
            int[] attempts = {1};
            long[] lastTry = {System.nanoTime()};
            await("files listed", () -> {
                if (listed() >= expected && expected > 0) {
                    return true;
                }
                if (System.nanoTime() - lastTry[0] > TimeUnit.SECONDS.toNanos(5) && onFx(AppProbe::retryLogin)) {
                    attempts[0]++;
                    lastTry[0] = System.nanoTime();
                    System.err.println("PROBE login again (attempt " + attempts[0] + ")");
                }
                return false;
            });
            long listedAt = System.nanoTime();
            await("thumbnails on screen", () -> thumbnailsLoaded() > 0);
            long thumbsAt = System.nanoTime();
            int[] counts = onFx(() -> new int[] {listedOnFx(), thumbnailsOnScreen().size()});
            System.out.printf("PROBE ready files=%d thumbnails=%d loginToListedMs=%d loginToThumbnailsMs=%d%n",
                    counts[0], counts[1], TimeUnit.NANOSECONDS.toMillis(listedAt - login),
                    TimeUnit.NANOSECONDS.toMillis(thumbsAt - login));
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.trim().equals("gc")) {
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                        Thread.sleep(200);
                    }
                    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                    System.out.printf("PROBE heap used=%d committed=%d%n", heap.getUsed(), heap.getCommitted());
                    System.out.flush();
                }
            }
        } catch (Exception e) {
            System.out.println("PROBE failed " + e);
            System.out.flush();
        }
    }

    /**
     * The offline start: the grid fills from the library cache with no login. Prints the time from JVM start to the
     * grid holding every file, then the frame times of scrolling it and the time of a local search and sort.
     */
    private static void fromCache(int expected, int steps) throws Exception {
        await("first cached files listed", () -> {
            try {
                return listed() > 0;
            } catch (IllegalStateException toolkitNotStartedYet) {
                return false;
            }
        });
        long firstScreen = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.printf("PROBE cached first=%d launchToFirstMs=%d cpuMs=%d%n", listed(), firstScreen, cpuMs());
        System.out.flush();
        await("cached files listed", () -> {
            try {
                return listed() >= expected && expected > 0;
            } catch (IllegalStateException toolkitNotStartedYet) {
                return false;
            }
        });
        long sinceStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.printf("PROBE cached listed=%d launchToGridMs=%d cpuMs=%d%n", listed(), sinceStart, cpuMs());
        System.out.flush();
        Thread.sleep(1000); // the first screen's tiles and their thumbnails
        // Scrolling: one step = 120 px (a wheel notch of three 40 px lines); a step's frame time runs from the
        // scroll to the end of the second pulse after it (the pulse that shows it waits for its render).
        double[] frames = new double[steps];
        for (int i = 0; i < steps; i++) {
            frames[i] = scrollStep(120) / 1e6;
            Thread.sleep(20); // a fast wheel, not a stalled queue
        }
        double[] sorted = frames.clone();
        java.util.Arrays.sort(sorted);
        System.out.printf(java.util.Locale.ROOT, "PROBE scroll steps=%d median=%.1f p99=%.1f max=%.1f values=%s%n",
                steps, sorted[steps / 2], sorted[Math.min(steps - 1, (int) Math.ceil(steps * 0.99) - 1)],
                sorted[steps - 1], java.util.Arrays.toString(frames));
        // A search typed into the field and a change of sort: both run over the loaded rows on the FX thread.
        long searchNs = onFx(() -> {
            TextField search = (TextField) scene().lookup("#search");
            long t0 = System.nanoTime();
            search.setText("07");
            return System.nanoTime() - t0;
        });
        int matches = listed();
        long clearNs = onFx(() -> {
            long t0 = System.nanoTime();
            ((TextField) scene().lookup("#search")).setText("");
            return System.nanoTime() - t0;
        });
        long sortNs = onFx(() -> {
            @SuppressWarnings("unchecked")
            var sort = (javafx.scene.control.ComboBox<Object>) scene().lookup("#sort");
            long t0 = System.nanoTime();
            sort.getSelectionModel().select(sort.getItems().stream().filter(o -> o.toString().equals("Name"))
                    .findFirst().orElseThrow());
            return System.nanoTime() - t0;
        });
        System.out.printf(java.util.Locale.ROOT, "PROBE search ms=%.1f matches=%d clear=%.1f sortByName=%.1f%n",
                searchNs / 1e6, matches, clearNs / 1e6, sortNs / 1e6);
        System.out.flush();
    }

    /** CPU time of the whole process so far (all threads): steadier than wall time on a busy machine. */
    private static long cpuMs() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() / 1_000_000 : -1;
    }

    /** Scrolls the grid by {@code px} and returns the nanoseconds until that frame has been rendered. */
    private static long scrollStep(double px) throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        long[] start = new long[1];
        Platform.runLater(() -> {
            Scene s = scene();
            ListView<?> grid = (ListView<?>) s.lookup("#fileGrid");
            var flow = (javafx.scene.control.skin.VirtualFlow<?>) grid.lookup(".virtual-flow");
            int[] pulses = {0};
            Runnable[] listener = new Runnable[1];
            listener[0] = () -> {
                if (++pulses[0] == 2) {
                    s.removePostLayoutPulseListener(listener[0]);
                    done.complete(System.nanoTime() - start[0]);
                } else {
                    Platform.requestNextPulse();
                }
            };
            s.addPostLayoutPulseListener(listener[0]);
            start[0] = System.nanoTime();
            flow.scrollPixels(px);
            Platform.requestNextPulse();
        });
        return done.get(5, TimeUnit.MINUTES); // a step held up that long is a result, not a failure
    }

    /** Presses Log in again if the login form shows with its button enabled (after an error); whether it did. */
    private static boolean retryLogin() {
        Scene s = scene();
        Node submit = s == null ? null : s.lookup("#submit");
        if (submit instanceof Button b && b.isVisible() && !b.isDisabled() && b.getScene() != null) {
            b.fire();
            return true;
        }
        return false;
    }

    private static Scene scene() {
        for (Window w : Window.getWindows()) {
            if (w.isShowing() && w.getScene() != null) {
                return w.getScene();
            }
        }
        return null;
    }

    private static int listed() throws Exception {
        return onFx(AppProbe::listedOnFx);
    }

    /** Files in the grid: the sum of its rows. */
    private static int listedOnFx() {
        Scene s = scene();
        Node grid = s == null ? null : s.lookup("#fileGrid");
        if (!(grid instanceof ListView<?> list)) {
            return 0;
        }
        int n = 0;
        for (Object row : list.getItems()) {
            n += row instanceof List<?> l ? l.size() : 0;
        }
        return n;
    }

    /** Thumbnails shown when every one on screen has loaded, else 0. */
    private static int thumbnailsLoaded() throws Exception {
        return onFx(() -> {
            List<ImageView> views = thumbnailsOnScreen();
            for (ImageView v : views) {
                Image img = v.getImage();
                if (img == null || img.isError() || img.getProgress() < 1) {
                    return 0;
                }
            }
            return views.size();
        });
    }

    private static List<ImageView> thumbnailsOnScreen() {
        Scene s = scene();
        if (s == null) {
            return List.of();
        }
        return s.getRoot().lookupAll(".thumbnail").stream()
                .filter(n -> n instanceof ImageView && shown(n))
                .map(ImageView.class::cast)
                .toList();
    }

    /** Visible along its whole parent chain and inside the window (the grid hides recycled cells). */
    private static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        var b = n.localToScene(n.getBoundsInLocal());
        Scene s = n.getScene();
        return b.getMaxY() > 0 && b.getMinY() < s.getHeight() && b.getMaxX() > 0 && b.getMinX() < s.getWidth();
    }

    @FunctionalInterface
    private interface Check {
        boolean test() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!check.test()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> work) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(work.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        // Long: at a load average of 30-40 the FX thread sorting 100,000 rows held a call up for more than 30 s, and the
        // whole run failed. The awaits have their own deadlines.
        return f.get(5, TimeUnit.MINUTES);
    }
}
