package com.audmg.drive.bench.desktop;

import com.audmg.drive.bench.cloud.BenchOutput;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.audmg.drive.bench.ClassesFolder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The desktop figures of the benchmark (docs/PERFORMANCE.md, item 7), measured on fresh processes of the real
 * benchmark jar: {@code java -jar bench/target/audmg-bench.jar desktop [--out desktop-bench.json]}.
 * <ol>
 * <li>launch: spawn to the app's "login view shown" line ({@code -Daudmg.timing=true}), on fresh data folders and on
 * a reused one, alternating;</li>
 * <li>memory: an account with 10,000 image files ({@link AccountSeeder}), the app ({@link AppProbe}) logs in through
 * its form and waits for the grid to list them all with the first screen of thumbnails loaded; then VmRSS of the app
 * process and the heap in use after GC.</li>
 * </ol>
 * Progress on stderr, a table on stdout, JSON in the shape of the functions bench's.
 */
public final class DesktopBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "bench-password-7f3a";
    private static final Pattern LOGIN_LINE = Pattern.compile(
            "audmg: login view shown (\\d+) ms after JVM start(?: \\(process CPU (\\d+) ms\\))?");
    private static final Pattern READY_LINE = Pattern.compile("audmg: backend ready (\\d+) ms after JVM start");
    private static final Pattern PROBE_READY = Pattern.compile(
            "PROBE ready files=(\\d+) thumbnails=(\\d+) loginToListedMs=(\\d+) loginToThumbnailsMs=(\\d+)");
    private static final Pattern PROBE_HEAP = Pattern.compile("PROBE heap used=(\\d+) committed=(\\d+)");

    /**
     * Software rendering, as in the headless tests: under Xvfb the default (es2) pipeline runs on Mesa's llvmpipe,
     * which loads LLVM into the process (about 60 MB of RSS and a slower first frame) where a real desktop has a GPU
     * driver. {@code --java-option -Dprism.order=es2,sw} measures that case (later options win).
     */
    static final List<String> DEFAULT_APP_OPTIONS = List.of("-Dprism.order=sw");

    /** When the idle RSS is read, counted from the first screen of thumbnails. */
    private static final int IDLE_MS = 15_000;

    private final Options options;
    private final PrintStream out;
    private final PrintStream err;
    private final Path tmp;
    private final List<BenchFigure> figures = new ArrayList<>();
    private final List<AppProcess> running = new ArrayList<>();
    private VirtualDisplay display;
    private int step;

    record Options(Path out, int runs, int files, int memoryRuns, Path jar, boolean currentDisplay,
                   List<String> javaOptions, String only, boolean nmt, int cacheFiles) {
    }

    private DesktopBench(Options options, PrintStream out, PrintStream err) throws IOException {
        this.options = options;
        this.out = out;
        this.err = err;
        this.tmp = Files.createTempDirectory("audmg-desktop-bench");
    }

    /** Runs the bench; the exit code is 0 when it completed (targets met or not), 2 on bad options, 1 on failure. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(usage());
            return 2;
        }
        if (options == null) {
            out.println(usage());
            return 0;
        }
        DesktopBench bench;
        try {
            bench = new DesktopBench(options, out, err);
        } catch (IOException e) {
            err.println("Cannot create a temporary folder: " + e.getMessage());
            return 1;
        }
        Thread cleanup = new Thread(bench::cleanup, "desktop-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            bench.runAll();
            bench.report();
            return 0;
        } catch (Exception e) {
            err.println("desktop bench failed: " + e);
            return 1;
        } finally {
            bench.cleanup();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    static String usage() {
        return String.join("\n",
                "Usage: java -jar bench/target/audmg-bench.jar desktop [options]",
                "  --out FILE          JSON results (default desktop-bench.json)",
                "  --runs N            launches per kind, fresh and reused data folder (default 5)",
                "  --files N           files of the memory account (default 10000)",
                "  --memory-runs N     app processes for the memory figures (default 3)",
                "  --jar FILE          the app jar to launch (default: desktop/target/audmg-drive.jar)",
                "  --current-display   use $DISPLAY instead of starting Xvfb",
                "  --java-option OPT   extra JVM option for the app processes (repeatable)",
                "  --only launch|memory|cache  measure one part",
                "  --cache-files N     files in the offline library of the cache launch (default 100000)",
                "  --nmt               native memory tracking in the memory runs; jcmd summaries beside the JSON");
    }

    static Options parse(String[] args) {
        Path outFile = Path.of("desktop-bench.json");
        int runs = 5;
        int files = 10_000;
        int memoryRuns = 3;
        int cacheFiles = 100_000;
        Path jar = null;
        boolean currentDisplay = false;
        List<String> javaOptions = new ArrayList<>();
        String only = null;
        boolean nmt = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--current-display" -> currentDisplay = true;
                case "--nmt" -> nmt = true;
                case "--out", "--only", "--runs", "--files", "--memory-runs", "--jar", "--java-option",
                        "--cache-files" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--out" -> outFile = Path.of(v);
                        case "--runs" -> runs = positive(a, v);
                        case "--files" -> files = positive(a, v);
                        case "--memory-runs" -> memoryRuns = positive(a, v);
                        case "--cache-files" -> cacheFiles = positive(a, v);
                        case "--jar" -> jar = Path.of(v);
                        case "--only" -> {
                            if (!v.equals("launch") && !v.equals("memory") && !v.equals("cache")) {
                                throw new IllegalArgumentException("--only takes launch, memory or cache, not " + v);
                            }
                            only = v;
                        }
                        default -> javaOptions.add(v);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (jar == null) {
            jar = Path.of("desktop/target/audmg-drive.jar");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("app jar not found: " + jar.toAbsolutePath()
                    + " (./mvnw -B -DskipTests package first, or pass --jar)");
        }
        return new Options(outFile, runs, files, memoryRuns, jar, currentDisplay, List.copyOf(javaOptions), only,
                nmt, cacheFiles);
    }

    private static int positive(String option, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a positive number, not " + v);
    }

    private void progress(String what) {
        int steps = options.only() == null ? 4 : switch (options.only()) {
            case "launch" -> 1;
            case "cache" -> 2;
            default -> 2;
        };
        err.printf(Locale.ROOT, "[%d/%d] %s%n", ++step, steps, what);
        err.flush();
    }

    private void runAll() throws Exception {
        display = VirtualDisplay.open(options.currentDisplay());
        if (display == null) {
            figures.add(BenchFigure.notMeasured("launch to login view", "ms", "< 2500",
                    "no X display: install Xvfb or set DISPLAY"));
            return;
        }
        err.println("      app: " + options.jar() + " on " + display.describe() + ", JVM options "
                + String.join(" ", appOptions()));
        if (options.only() == null || "launch".equals(options.only())) {
            launchFigures();
        }
        if (options.only() == null || "memory".equals(options.only())) {
            memoryFigures();
        }
        if (options.only() == null || "cache".equals(options.only())) {
            cacheFigures();
        }
    }

    // ---- launch ----------------------------------------------------------------------------------------------------

    private void launchFigures() throws Exception {
        progress("launch to login view: " + options.runs() + " fresh data folders and " + options.runs()
                + " launches on a reused one, alternating");
        Path reused = tmp.resolve("launch-reused");
        launch(reused); // prepares the reused folder (first start extracts the backend, creates the S3 data)
        List<Double> fresh = new ArrayList<>();
        List<Double> again = new ArrayList<>();
        List<Double> freshReady = new ArrayList<>();
        List<Double> againReady = new ArrayList<>();
        List<Double> ownFresh = new ArrayList<>();
        List<Double> ownAgain = new ArrayList<>();
        List<Double> cpuFresh = new ArrayList<>();
        List<Double> cpuAgain = new ArrayList<>();
        for (int i = 0; i < options.runs(); i++) {
            Launch f = launch(tmp.resolve("launch-fresh-" + i));
            Launch r = launch(reused);
            fresh.add(f.loginMs);
            freshReady.add(f.readyMs);
            ownFresh.add(f.appLoginMs);
            again.add(r.loginMs);
            againReady.add(r.readyMs);
            ownAgain.add(r.appLoginMs);
            if (f.cpuMs != null && r.cpuMs != null) {
                cpuFresh.add(f.cpuMs);
                cpuAgain.add(r.cpuMs);
            }
            err.printf(Locale.ROOT, "      run %d: fresh %.0f ms (cloud ready %.0f), reused %.0f ms (cloud ready %.0f)%n",
                    i + 1, f.loginMs, f.readyMs, r.loginMs, r.readyMs);
        }
        String how = "spawn of java -jar to the app's login-view line; the app's own JVM-start figure: median ";
        BenchFigure ff = BenchFigure.of("launch to login view, fresh data folder", "ms", fresh, "< 2500", null, null);
        figures.add(withMet(ff, ff.median() < 2500, how + BenchFigure.fmt(BenchFigure.of("", "", ownFresh, "", null,
                null).median()) + " ms"));
        BenchFigure fr = BenchFigure.of("launch to login view, reused data folder", "ms", again, "< 2500", null, null);
        figures.add(withMet(fr, fr.median() < 2500, how + BenchFigure.fmt(BenchFigure.of("", "", ownAgain, "", null,
                null).median()) + " ms"));
        if (cpuFresh.size() == options.runs()) {
            figures.add(BenchFigure.of("app process CPU time at login view, fresh data folder", "ms", cpuFresh, "-",
                    null, "all threads; steadier than wall time on a busy machine"));
            figures.add(BenchFigure.of("app process CPU time at login view, reused data folder", "ms", cpuAgain, "-",
                    null, "all threads; steadier than wall time on a busy machine"));
        }
        figures.add(BenchFigure.of("launch to local cloud ready, fresh data folder", "ms", freshReady, "-", null,
                "a submitted login proceeds from here"));
        figures.add(BenchFigure.of("launch to local cloud ready, reused data folder", "ms", againReady, "-", null,
                "a submitted login proceeds from here"));
    }

    /** Steps of a launch's scroll counted as its warm-up in the split scroll figures. */
    static final int SCROLL_WARM_UP = 10;

    private static BenchFigure withP99(BenchFigure f) {
        List<Double> sorted = new ArrayList<>(f.samples());
        java.util.Collections.sort(sorted);
        Double p99 = sorted.isEmpty() ? null : BenchFigure.percentile(sorted, 99);
        return new BenchFigure(f.name(), f.unit(), f.samples(), f.median(), p99, f.target(), f.met(), f.note());
    }

    private static BenchFigure withMet(BenchFigure f, boolean met, String note) {
        return new BenchFigure(f.name(), f.unit(), f.samples(), f.median(), f.p99(), f.target(), met, note);
    }

    /** {@code cpuMs} is the app's process CPU time at the login view, or null when the app does not print it. */
    private record Launch(double loginMs, double appLoginMs, double readyMs, Double cpuMs) {
    }

    private Launch launch(Path dataDir) throws Exception {
        try (AppProcess app = start(dataDir, List.of("-jar", options.jar().toString()))) {
            Matcher login = app.await(LOGIN_LINE, 120);
            double loginMs = app.sinceSpawnMs();
            double appLoginMs = Double.parseDouble(login.group(1));
            Double cpuMs = login.group(2) == null ? null : Double.valueOf(login.group(2));
            // The local cloud may become ready before or after the login view; the app prints both.
            Matcher ready = app.seen(READY_LINE);
            double readyMs = ready != null ? app.msAt(ready) : -1;
            if (ready == null) {
                app.await(READY_LINE, 120);
                readyMs = app.sinceSpawnMs();
            }
            return new Launch(loginMs, appLoginMs, readyMs, cpuMs);
        }
    }

    // ---- memory ----------------------------------------------------------------------------------------------------

    private void memoryFigures() throws Exception {
        int files = options.files();
        progress(String.format(Locale.ROOT, "seeding an account with %,d image files", files));
        Path dataDir = Files.createDirectories(tmp.resolve("memory"));
        long t0 = System.nanoTime();
        int listed = new AccountSeeder(dataDir, err).seed("bench", PASSWORD, files);
        err.printf(Locale.ROOT, "      seeded in %.1f s; GET /files lists %,d%n", (System.nanoTime() - t0) / 1e9,
                listed);
        if (listed != files) {
            throw new IllegalStateException("the API lists " + listed + " files, expected " + files);
        }
        progress(String.format(Locale.ROOT, "memory: %d app processes log in and show the grid",
                options.memoryRuns()));
        List<Double> rss = new ArrayList<>();
        List<Double> rssAfterGc = new ArrayList<>();
        List<Double> rssIdle = new ArrayList<>();
        List<Double> heap = new ArrayList<>();
        List<Double> workers = new ArrayList<>();
        List<Double> tree = new ArrayList<>();
        List<Double> workerJvms = new ArrayList<>();
        List<Double> toListed = new ArrayList<>();
        List<Double> toThumbs = new ArrayList<>();
        int thumbs = 0;
        for (int r = 0; r < options.memoryRuns(); r++) {
            deleteTree(dataDir.resolve("thumbnails")); // every run fetches the first screen through the API
            deleteTree(dataDir.resolve("library")); // and logs in: no offline start, a first sync of the library
            List<String> cmd = new ArrayList<>();
            if (options.nmt()) {
                cmd.add("-XX:NativeMemoryTracking=summary");
            }
            cmd.addAll(List.of("-D" + AppProbe.USER + "=bench", "-D" + AppProbe.PASSWORD + "=" + PASSWORD,
                    "-D" + AppProbe.FILES + "=" + files, "-cp", options.jar() + java.io.File.pathSeparator
                            + ClassesFolder.copy(dataDir.resolveSibling("probe-classes"), AppProbe.class),
                    AppProbe.class.getName()));
            try (AppProcess app = start(dataDir, cmd)) {
                Matcher ready = app.await(PROBE_READY, 300);
                Thread.sleep(2000); // let the tiles' decoding and the listing's garbage settle as a user would see it
                rss.add(app.rssMb());
                workers.add(app.descendantsRssMb());
                tree.add(rss.get(r) + workers.get(r));
                workerJvms.add((double) app.descendantJvms());
                Thread.sleep(IDLE_MS - 2000); // a user looking at the grid
                rssIdle.add(app.rssMb());
                if (options.nmt()) {
                    saveNativeMemorySummary(app.pid(), r + 1);
                }
                app.send("gc");
                Matcher h = app.await(PROBE_HEAP, 60);
                heap.add(Long.parseLong(h.group(1)) / 1048576.0);
                rssAfterGc.add(app.rssMb());
                toListed.add(Double.parseDouble(ready.group(3)));
                toThumbs.add(Double.parseDouble(ready.group(4)));
                thumbs = Integer.parseInt(ready.group(2));
                err.printf(Locale.ROOT, "      run %d: RSS %.0f MB (%.0f MB idle), heap after GC %.0f MB, %s files "
                        + "listed, %d thumbnails%n", r + 1, rss.get(r), rssIdle.get(r), heap.get(r), ready.group(1),
                        thumbs);
            }
        }
        String label = String.format(Locale.ROOT, "%,d files", files);
        BenchFigure f = BenchFigure.of("RSS, " + label + " listed, grid with thumbnails", "MB", rss, "< 400", null,
                null);
        figures.add(withMet(f, f.median() < 400, "VmRSS of the app process, which includes the in-process local "
                + "cloud (API emulation, s3proxy); read 2 s after the first screen of thumbnails (" + thumbs + ")"));
        figures.add(BenchFigure.of("RSS, same, " + IDLE_MS / 1000 + " s after the thumbnails", "MB", rssIdle, "-",
                null, "idle app: what it keeps"));
        figures.add(BenchFigure.of("heap used after GC, then", "MB", heap, "-", null,
                "app + in-process local cloud; 3 x System.gc()"));
        figures.add(BenchFigure.of("RSS after that GC", "MB", rssAfterGc, "-", null, null));
        figures.add(BenchFigure.of("Lambda worker processes, RSS together", "MB", workers, "-", null,
                "separate JVMs started by the local cloud; not in the app's RSS"));
        figures.add(BenchFigure.of("Lambda worker JVMs", "processes", workerJvms, "-", null,
                "1 in lite mode (the app's default), one per function with -Daudmg.backend.workers=per-function"));
        BenchFigure whole = BenchFigure.of("RSS of the whole process tree (app + workers)", "MB", tree, "< 700",
                null, null);
        figures.add(withMet(whole, whole.median() < 700, "sum of VmRSS over the app and every descendant, read at"
                + " the same moment as the app's RSS above"));
        figures.add(BenchFigure.of("login to " + label + " listed", "ms", toListed, "-", null,
                "form submitted as soon as it shows, while the local cloud still starts its Lambda workers; to the grid holding them all"));
        figures.add(BenchFigure.of("login to first screen of thumbnails", "ms", toThumbs, "-", null,
                "fetched through GET /files/{id} + download, decoded"));
    }

    // ---- offline library ---------------------------------------------------------------------------------------------

    private static final Pattern PROBE_FIRST = Pattern.compile(
            "PROBE cached first=(\\d+) launchToFirstMs=(\\d+) cpuMs=(-?\\d+)");
    private static final Pattern CACHED_SHOWN = Pattern.compile(
            "audmg: cached library shown (\\d+) ms after JVM start(?: \\(process CPU (\\d+) ms\\))?");
    private static final Pattern PROBE_CACHED = Pattern.compile(
            "PROBE cached listed=(\\d+) launchToGridMs=(\\d+) cpuMs=(-?\\d+)");
    private static final Pattern PROBE_SCROLL = Pattern.compile(
            "PROBE scroll steps=(\\d+) median=([\\d.]+) p99=([\\d.]+) max=([\\d.]+) values=\\[([^]]*)]");
    private static final Pattern PROBE_SEARCH = Pattern.compile(
            "PROBE search ms=([\\d.]+) matches=(\\d+) clear=([\\d.]+) sortByName=([\\d.]+)");

    /**
     * Launch to a populated grid from the offline library: the cache is seeded directly (through the app's
     * LibraryStore, not through the feed), the app starts on it with no server account and no login, and the probe
     * reports when the grid holds every file, then scrolls it (frame times) and searches and sorts it locally.
     */
    private void cacheFigures() throws Exception {
        int files = options.cacheFiles();
        progress(String.format(Locale.ROOT, "offline library: seeding a cache of %,d files", files));
        Path dataDir = Files.createDirectories(tmp.resolve("cache"));
        long t0 = System.nanoTime();
        String userId = AccountSeeder.seedCache(dataDir, files, 600, err);
        err.printf(Locale.ROOT, "      seeded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        sqlSearchFigure(dataDir, userId);
        progress(String.format(Locale.ROOT, "offline library: %d launches to the grid of %,d cached files, scroll and "
                + "search", options.runs(), files));
        List<Double> toFirst = new ArrayList<>();
        List<Double> toFirstOwn = new ArrayList<>();
        List<Double> toGrid = new ArrayList<>();
        List<Double> windowShown = new ArrayList<>();
        List<Double> cpuFirst = new ArrayList<>();
        List<Double> cpuGrid = new ArrayList<>();
        List<Double> toGridSpawn = new ArrayList<>();
        List<Double> scrollMedian = new ArrayList<>();
        List<Double> scrollAll = new ArrayList<>();
        List<Double> scrollFirst = new ArrayList<>();
        List<Double> scrollSteady = new ArrayList<>();
        List<Double> search = new ArrayList<>();
        List<Double> sortName = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        int matches = 0;
        for (int r = 0; r < options.runs(); r++) {
            List<String> cmd = List.of("-D" + AppProbe.MODE + "=cache", "-D" + AppProbe.FILES + "=" + files,
                    "-cp", options.jar() + java.io.File.pathSeparator
                            + ClassesFolder.copy(dataDir.resolveSibling("probe-classes"), AppProbe.class),
                    AppProbe.class.getName());
            try (AppProcess app = start(dataDir, cmd)) {
                Matcher first = app.await(PROBE_FIRST, 300);
                toFirst.add(app.sinceSpawnMs());
                toFirstOwn.add(Double.parseDouble(first.group(2)));
                cpuFirst.add(Double.parseDouble(first.group(3)));
                Matcher shown = app.seen(CACHED_SHOWN);
                if (shown != null) {
                    windowShown.add(Double.parseDouble(shown.group(1)));
                }
                Matcher cached = app.await(PROBE_CACHED, 300);
                toGridSpawn.add(app.sinceSpawnMs());
                toGrid.add(Double.parseDouble(cached.group(2)));
                cpuGrid.add(Double.parseDouble(cached.group(3)));
                rss.add(app.rssMb());
                Matcher scroll = app.await(PROBE_SCROLL, 300);
                scrollMedian.add(Double.parseDouble(scroll.group(2)));
                String[] steps = scroll.group(5).split(",\\s*");
                for (int i = 0; i < steps.length; i++) {
                    double ms = Double.parseDouble(steps[i]);
                    scrollAll.add(ms);
                    (i < SCROLL_WARM_UP ? scrollFirst : scrollSteady).add(ms);
                }
                Matcher found = app.await(PROBE_SEARCH, 120);
                search.add(Double.parseDouble(found.group(1)));
                sortName.add(Double.parseDouble(found.group(4)));
                matches = Integer.parseInt(found.group(2));
                err.printf(Locale.ROOT, "      run %d: first screen (%s files) %.0f ms after spawn, grid of %s files "
                        + "%.0f ms after spawn (%s ms after JVM start), "
                        + "scroll median %s ms p99 %s ms, search %s ms (%d matches), sort by name %s ms%n", r + 1,
                        first.group(1), toFirst.get(r), cached.group(1), toGridSpawn.get(r), cached.group(2), scroll.group(2), scroll.group(3),
                        found.group(1), matches, found.group(4));
            }
        }
        String label = String.format(Locale.ROOT, "%,d cached files", files);
        figures.add(BenchFigure.of("launch to the first screen of the grid from the cache, " + label, "ms", toFirst,
                "-", null, "spawn to the grid showing the newest uploads (read first, 300 rows) while the whole "
                        + "library loads; app's own figure from JVM start: median " + BenchFigure.fmt(BenchFigure.of("",
                        "", toFirstOwn, "", null, null).median()) + " ms"));
        figures.add(BenchFigure.of("launch to a populated grid from the cache, " + label, "ms", toGridSpawn, "-", null,
                "spawn of the app (offline start, no login) to the grid holding every file; app's own figure from JVM "
                        + "start: median " + BenchFigure.fmt(BenchFigure.of("", "", toGrid, "", null, null).median())
                        + " ms"));
        if (!windowShown.isEmpty()) {
            figures.add(BenchFigure.of("JVM start to the drive window laid out (before its rows)", "ms", windowShown,
                    "-", null, "the app's own 'cached library shown' line: what start-up costs before any row"));
        }
        figures.add(BenchFigure.of("app process CPU time at the first screen / at the whole grid", "ms",
                java.util.stream.Stream.concat(cpuFirst.stream(), cpuGrid.stream()).toList(), "-", null,
                "first " + cpuFirst.size() + " samples at the first screen, then at the whole grid; all threads, "
                        + "including the local cloud starting in the background"));
        figures.add(withP99(BenchFigure.of("scroll frame time, " + label, "ms", scrollAll, "-", null,
                "120 px per step, 20 ms apart; scroll to the end of the second pulse after it; all steps of all runs")));
        // Most of the slowest steps of a launch are its first few (JIT, the first cells and tiles made and styled):
        // pooled, the p99 mostly measured those. Apart, the cold start of scrolling and the steady scroll.
        figures.add(withP99(BenchFigure.of("scroll frame time, first " + SCROLL_WARM_UP + " steps of each launch", "ms",
                scrollFirst, "-", null, null)));
        figures.add(withP99(BenchFigure.of("scroll frame time, after the first " + SCROLL_WARM_UP + " steps", "ms",
                scrollSteady, "-", null, null)));
        figures.add(BenchFigure.of("local search over " + label, "ms", search, "-", null,
                "typing \"07\" into the search field: filter + sort of the loaded rows on the FX thread ("
                        + matches + " matches)"));
        figures.add(BenchFigure.of("local sort by name, " + label, "ms", sortName, "-", null, null));
        figures.add(BenchFigure.of("RSS at the populated grid, " + label, "MB", rss, "-", null,
                "app process only; the local cloud starts in the background meanwhile"));
    }

    /** The same search in SQL (LIKE over the indexed columns), for comparison with the in-memory one. */
    private void sqlSearchFigure(Path dataDir, String userId) throws Exception {
        Path db = com.audmg.drive.desktop.library.LibraryStore.fileFor(dataDir.resolve("library"),
                "built-in local cloud", userId);
        List<Double> ms = new ArrayList<>();
        int rows = 0;
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             var p = c.prepareStatement("SELECT id FROM files WHERE status = 'ready' AND (name LIKE ?1 OR title "
                     + "LIKE ?1 OR artist LIKE ?1 OR album LIKE ?1) ORDER BY coalesce(taken_at, created_at) DESC")) {
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                p.setString(1, "%07%");
                rows = 0;
                try (var r = p.executeQuery()) {
                    while (r.next()) {
                        r.getString(1);
                        rows++;
                    }
                }
                ms.add((System.nanoTime() - t0) / 1e6);
            }
        }
        figures.add(BenchFigure.of("SQL search over the cache (for comparison)", "ms", ms, "-", null,
                "LIKE '%07%' on name/title/artist/album, ids read (" + rows + " rows); "
                        + "the app searches the loaded rows in memory instead"));
    }

    /** {@code jcmd <pid> VM.native_memory summary} into a file beside the JSON. */
    private void saveNativeMemorySummary(long pid, int run) throws Exception {
        String name = options.out().getFileName().toString().replaceFirst("\\.json$", "") + "-nmt-" + run + ".txt";
        Path file = options.out().toAbsolutePath().resolveSibling(name);
        Files.createDirectories(file.getParent());
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary")
                .redirectErrorStream(true).redirectOutput(file.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        // What NMT does not see (native libraries, malloc outside the JVM): the process's mappings.
        Path smaps = file.resolveSibling(name.replace("-nmt-", "-smaps-"));
        Files.copy(Path.of("/proc", Long.toString(pid), "smaps"), smaps, StandardCopyOption.REPLACE_EXISTING);
        err.println("      native memory summary: " + file + ", mappings: " + smaps);
    }

    // ---- app processes ---------------------------------------------------------------------------------------------

    private AppProcess start(Path dataDir, List<String> mainArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.addAll(DEFAULT_APP_OPTIONS);
        cmd.addAll(options.javaOptions());
        cmd.add("-Daudmg.dataDir=" + dataDir);
        cmd.add("-Daudmg.timing=true");
        cmd.addAll(mainArgs);
        Path log = tmp.resolve("app-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().put("DISPLAY", display.display());
        AppProcess p = new AppProcess(pb, log);
        synchronized (running) {
            running.add(p);
        }
        return p;
    }

    private List<String> appOptions() {
        List<String> all = new ArrayList<>(DEFAULT_APP_OPTIONS);
        all.addAll(options.javaOptions());
        return all;
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .filter(c -> Path.of(c).getFileName().toString().startsWith("java"))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** A running app: its stdout lines as they come (with arrival times), stopped with its descendants on close. */
    private final class AppProcess implements AutoCloseable {
        private final Process process;
        private final long spawned;
        private final Path log;
        private final BlockingQueue<Object[]> lines = new LinkedBlockingQueue<>();
        private final List<Object[]> seen = new ArrayList<>();
        private final Writer stdin;

        AppProcess(ProcessBuilder pb, Path log) throws IOException {
            this.log = log;
            this.spawned = System.nanoTime();
            this.process = pb.start();
            this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread drain = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        lines.add(new Object[] {System.nanoTime(), line});
                    }
                } catch (IOException ended) {
                    // the process ended
                }
                lines.add(new Object[] {System.nanoTime(), null});
            }, "desktop-bench-stdout");
            drain.setDaemon(true);
            drain.start();
        }

        long lastLineAt;

        Matcher await(Pattern p, int seconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                Object[] l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null) {
                    throw new IllegalStateException("no '" + p.pattern() + "' within " + seconds + " s; "
                            + "app log: " + log + lastLines());
                }
                if (l[1] == null) {
                    throw new IllegalStateException("the app ended before '" + p.pattern() + "'; app log: " + log
                            + lastLines());
                }
                seen.add(l);
                String line = (String) l[1];
                if (line.startsWith("PROBE failed")) {
                    throw new IllegalStateException(line + "; app log: " + log + lastLines());
                }
                Matcher m = p.matcher(line);
                if (m.find()) {
                    lastLineAt = (long) l[0];
                    return m;
                }
            }
        }

        /** A line already read while waiting for another one, or null. */
        Matcher seen(Pattern p) {
            for (Object[] l : seen) {
                Matcher m = p.matcher((String) l[1]);
                if (m.find()) {
                    matchedAt.put(m, (long) l[0]);
                    return m;
                }
            }
            return null;
        }

        private final java.util.Map<Matcher, Long> matchedAt = new java.util.IdentityHashMap<>();

        double msAt(Matcher m) {
            return (matchedAt.get(m) - spawned) / 1e6;
        }

        /** From spawn to the last awaited line. */
        double sinceSpawnMs() {
            return (lastLineAt - spawned) / 1e6;
        }

        void send(String line) throws IOException {
            stdin.write(line + "\n");
            stdin.flush();
        }

        long pid() {
            return process.pid();
        }

        double rssMb() throws IOException {
            return rssKb(process.pid()) / 1024.0;
        }

        long descendantJvms() {
            return process.descendants().filter(h -> h.info().command().orElse("").endsWith("java")).count();
        }

        double descendantsRssMb() {
            return process.descendants().mapToLong(h -> {
                try {
                    return rssKb(h.pid());
                } catch (IOException | UncheckedIOException gone) {
                    return 0;
                }
            }).sum() / 1024.0;
        }

        private String lastLines() {
            try {
                List<String> all = Files.readAllLines(log);
                return "\n  " + String.join("\n  ", all.subList(Math.max(0, all.size() - 15), all.size()));
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            synchronized (running) {
                running.remove(this);
            }
        }
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    // ---- output ----------------------------------------------------------------------------------------------------

    private void report() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode machine = root.putObject("machine");
        machine.setAll(BenchOutput.machine());
        root.put("date", Instant.now().toString());
        root.put("display", display == null ? null : display.describe());
        ArrayNode javaOptions = root.putArray("appJavaOptions");
        appOptions().forEach(javaOptions::add);
        ArrayNode arr = root.putArray("figures");
        for (BenchFigure f : figures) {
            ObjectNode n = arr.addObject();
            n.put("name", f.name());
            n.put("unit", f.unit());
            n.put("samples", f.samples().size());
            BenchOutput.putNumber(n, "median", f.median());
            BenchOutput.putNumber(n, "p99", f.p99());
            n.put("target", f.target());
            if (f.met() == null) {
                n.putNull("met");
            } else {
                n.put("met", f.met());
            }
            if (f.note() != null) {
                n.put("note", f.note());
            }
            ArrayNode values = n.putArray("values");
            f.samples().forEach(v -> values.add(Math.round(v * 10) / 10.0));
        }
        BenchOutput.writeJson(options.out(), root);
        out.println(table(machine));
        out.println("JSON written to " + options.out().toAbsolutePath());
        out.flush();
    }

    private String table(ObjectNode machine) {
        int w = figures.stream().mapToInt(f -> f.name().length()).max().orElse(10);
        StringBuilder sb = new StringBuilder();
        sb.append(BenchOutput.machineLine(machine)).append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "App: %s on %s, JVM options %s%n", options.jar(),
                display == null ? "no display" : display.describe(), String.join(" ", appOptions())));
        String fmt = "%-" + w + "s  %-4s %3s %8s  %-8s %-4s  %s  %s%n";
        sb.append(String.format(Locale.ROOT, fmt, "figure", "unit", "n", "median", "target", "met", "samples", "note"));
        for (BenchFigure f : figures) {
            String met = f.met() == null ? (f.median() == null ? "n/m" : "") : f.met() ? "yes" : "NO";
            String note = f.note() == null ? "" : f.note();
            if (f.median() == null) {
                note = "not measured" + (note.isEmpty() ? "" : ": " + note);
            }
            String samples = String.join(" ", f.samples().stream().map(BenchFigure::fmt).toList());
            sb.append(String.format(Locale.ROOT, fmt, f.name(), f.unit(), f.samples().size(),
                    BenchFigure.fmt(f.median()), f.target(), met, samples, note));
        }
        return sb.toString();
    }

    private synchronized void cleanup() {
        List<AppProcess> left;
        synchronized (running) {
            left = new ArrayList<>(running);
        }
        left.forEach(AppProcess::close);
        if (display != null) {
            display.close();
            display = null;
        }
        deleteTree(tmp);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a temporary folder
        }
    }
}
