package com.audmg.drive.local.lambda.bootstrap;

/** Minimal JSON string escaping for the few documents the bootstrap writes itself. */
final class Json {
    private Json() {
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    static String error(Throwable t) {
        Throwable root = t;
        StringBuilder trace = new StringBuilder("[");
        StackTraceElement[] elements = root.getStackTrace();
        for (int i = 0; i < elements.length && i < 50; i++) {
            if (i > 0) {
                trace.append(',');
            }
            trace.append(quote(elements[i].toString()));
        }
        trace.append(']');
        return "{\"errorMessage\":" + quote(root.getMessage()) + ",\"errorType\":" + quote(root.getClass().getName())
                + ",\"stackTrace\":" + trace + "}";
    }
}
