package com.audmg.drive.bench;

import com.audmg.drive.bench.cloud.Bench;
import com.audmg.drive.bench.desktop.DesktopBench;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code java -jar bench/target/audmg-bench.jar cloud|desktop [options]}, from the repository root: the local cloud
 * and functions benchmark, or the desktop one. Neither product jar contains any of this.
 */
public final class BenchMain {
    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar bench/target/audmg-bench.jar cloud [--quick] [--out bench-results.json] ...",
            "       java -jar bench/target/audmg-bench.jar desktop [--out desktop-bench.json] ...",
            "cloud measures the local cloud and the functions (functions/local/target/audmg-local-cloud.jar),",
            "desktop the desktop app (desktop/target/audmg-drive.jar); --help after either lists its options.");

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        String which = args.length == 0 ? "" : args[0];
        return switch (which) {
            case "cloud" -> Bench.run(rest, out, err);
            case "desktop" -> DesktopBench.run(rest, out, err);
            case "--help", "-h" -> {
                out.println(USAGE);
                yield 0;
            }
            default -> {
                err.println("error: say which benchmark: cloud or desktop");
                err.println(USAGE);
                yield 2;
            }
        };
    }
}
