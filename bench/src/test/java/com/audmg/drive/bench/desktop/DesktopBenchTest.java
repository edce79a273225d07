package com.audmg.drive.bench.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesktopBenchTest {

    @TempDir
    Path dir;

    @Test
    void parse_shouldReadOptions_whenGiven() throws Exception {
        Path jar = Files.createFile(dir.resolve("app.jar"));
        DesktopBench.Options o = DesktopBench.parse(new String[] {"--jar", jar.toString(), "--runs", "3", "--files",
            "200", "--only", "memory", "--java-option", "-XX:+UseSerialGC", "--out", "x.json"});
        assertEquals(3, o.runs());
        assertEquals(200, o.files());
        assertEquals("memory", o.only());
        assertEquals(List.of("-XX:+UseSerialGC"), o.javaOptions());
        assertEquals(Path.of("x.json"), o.out());
        assertFalse(o.nmt());
    }

    @Test
    void parse_shouldRefuse_whenOptionsAreWrong() throws Exception {
        Path jar = Files.createFile(dir.resolve("app.jar"));
        assertThrows(IllegalArgumentException.class, () -> DesktopBench.parse(new String[] {"--jar", jar.toString(),
            "--frobnicate"}));
        assertThrows(IllegalArgumentException.class, () -> DesktopBench.parse(new String[] {"--jar", jar.toString(),
            "--runs", "0"}));
        assertThrows(IllegalArgumentException.class, () -> DesktopBench.parse(new String[] {"--jar", jar.toString(),
            "--only", "cpu"}));
        // tests run in bench/, where the default desktop/target/audmg-drive.jar is not: nothing to launch
        assertThrows(IllegalArgumentException.class, () -> DesktopBench.parse(new String[0]));
        assertNull(DesktopBench.parse(new String[] {"--help"}));
    }

    @Test
    void figure_shouldTakeTheNearestRankMedian() {
        BenchFigure f = BenchFigure.of("launch", "ms", List.of(900.0, 500.0, 700.0, 2000.0, 600.0), "< 2500", null,
                null);
        assertEquals(700.0, f.median());
        assertEquals(List.of(900.0, 500.0, 700.0, 2000.0, 600.0), f.samples());
        assertNull(BenchFigure.notMeasured("x", "ms", "-", "why").median());
    }

    @Test
    void png_shouldBeDistinctDecodableImages() throws Exception {
        byte[] a = AccountSeeder.png(1);
        byte[] b = AccountSeeder.png(2);
        assertFalse(Arrays.equals(a, b));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(a));
        assertNotNull(img);
        assertEquals(96, img.getWidth());
        assertTrue(a.length > 100);
    }
}
