package com.audmg.drive.local.project;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The local cloud's mail: the RFC 5322 files it writes to {@code <data-dir>/outbox/} instead of sending them. */
final class Outbox {

    private static final Pattern CODE = Pattern.compile("\\b([0-9]{8}|[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\\b");

    private Outbox() {
    }

    /** The messages written so far, oldest first. */
    static List<Path> messages(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("outbox");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".eml")).sorted().toList();
        }
    }

    /**
     * The code (8 digits, or a reset code ABCD-EFGH-JKMN) of the newest message to {@code to} whose subject mentions
     * {@code kind}.
     */
    static String codeMailedTo(Path dataDir, String to, String kind) throws IOException {
        List<Path> mails = messages(dataDir);
        for (int i = mails.size() - 1; i >= 0; i--) {
            String text = Files.readString(mails.get(i), StandardCharsets.US_ASCII);
            String headers = text.substring(0, text.indexOf("\r\n\r\n"));
            if (headers.contains("\r\nTo: " + to + "\r\n") && headers.toLowerCase(Locale.ROOT).contains(kind)) {
                String raw = text.substring(text.indexOf("\r\n\r\n") + 4);
                String body = headers.contains("\r\nContent-Transfer-Encoding: base64\r\n")
                        ? new String(Base64.getMimeDecoder().decode(raw.strip()), StandardCharsets.UTF_8) : raw;
                Matcher code = CODE.matcher(body);
                assertTrue(code.find(), body);
                return code.group(1);
            }
        }
        throw new AssertionError("no " + kind + " mail to " + to + " in " + mails);
    }
}
