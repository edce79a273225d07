package com.audmg.drive.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HeapErgonomicsTest {

    private final HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void apply_shouldTightenG1HeapSizing_whenTheFlagsAreAtTheirDefaults() {
        assumeTrue("true".equals(vm.getVMOption("UseG1GC").getValue()), "this JVM does not run G1");
        VMOption before = vm.getVMOption("MaxHeapFreeRatio");
        assumeTrue(before.getOrigin() == VMOption.Origin.DEFAULT, "MaxHeapFreeRatio was set on the command line");

        HeapErgonomics.apply();

        assertEquals("10", vm.getVMOption("MinHeapFreeRatio").getValue());
        assertEquals("30", vm.getVMOption("MaxHeapFreeRatio").getValue());
        assertEquals(Long.toString(HeapErgonomics.IDLE_COLLECTION_MS), vm.getVMOption("G1PeriodicGCInterval").getValue());
    }
}
