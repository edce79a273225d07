package com.audmg.drive.desktop;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;

/**
 * Heap sizing for a desktop app that is idle most of the time, set from inside the process because a jar cannot
 * carry JVM options. G1 grows the heap when collections cost time (on a busy machine, often) and by default keeps up
 * to 70 % of it free; the app and its in-process local cloud live in about 60 MB. With these manageable flags G1
 * returns committed heap to the OS at a periodic collection once the app has been idle for a while (JEP 346), and
 * keeps 10-30 % free instead of 40-70 %. And the heap the JVM starts with (1/64 of the machine's memory: 384 MB on 24
 * GB) is given back at once by a collection of the still nearly empty heap (about 6 ms): the app then grows it as it
 * needs (the desktop bench's memory figure: app RSS 338-437 MB, median 387, in 8 runs; 409-429, median 419, in 4
 * runs without it). Options given on the command line are left alone ({@code -Xms} keeps its heap;
 * {@code -Daudmg.heap.shrinkAtStart=false} skips the collection); other collectors are left alone.
 */
final class HeapErgonomics {

    static final long IDLE_COLLECTION_MS = 5_000;

    private HeapErgonomics() {
    }

    /** Applies the settings; never fails the app (a JVM without them just keeps its defaults). */
    static void apply() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (!"true".equals(vm.getVMOption("UseG1GC").getValue())) {
                return;
            }
            // Min first: MaxHeapFreeRatio may never go below MinHeapFreeRatio.
            setIfDefault(vm, "MinHeapFreeRatio", "10");
            setIfDefault(vm, "MaxHeapFreeRatio", "30");
            setIfDefault(vm, "G1PeriodicGCInterval", Long.toString(IDLE_COLLECTION_MS));
            if (vm.getVMOption("InitialHeapSize").getOrigin() != VMOption.Origin.VM_CREATION
                    && !"false".equals(System.getProperty("audmg.heap.shrinkAtStart"))) {
                System.gc();
            }
        } catch (RuntimeException e) {
            System.err.println("audmg: heap settings left at their defaults: " + e);
        }
    }

    private static void setIfDefault(HotSpotDiagnosticMXBean vm, String name, String value) {
        VMOption option = vm.getVMOption(name);
        if (option.getOrigin() == VMOption.Origin.DEFAULT && option.isWriteable()) {
            vm.setVMOption(name, value);
        }
    }
}
