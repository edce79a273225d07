package com.audmg.drive.files;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Immutable library objects (segments, manifests, legacy locators: a rewrite always makes a new
 * key), kept per container so that a warm function reads only the library's head from S3. Two
 * parts, each least recently used first out: parsed objects, bounded by count (a parsed segment is
 * about a hundred records), and raw bytes that lookups scan for one record, bounded by their size
 * (a lookup must not evict what listings parsed, nor the other way round).
 */
public final class ImmutableObjectCache {

    private final Map<String, Object> parsed;
    private final Map<String, byte[]> raw = new LinkedHashMap<>(16, 0.75f, true);
    private final long maxRawBytes;
    private long rawBytes;

    public ImmutableObjectCache(int maxParsed, long maxRawBytes) {
        this.maxRawBytes = maxRawBytes;
        this.parsed = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return size() > maxParsed;
            }
        };
    }

    public Object get(String key, Supplier<Object> load) {
        synchronized (parsed) {
            Object value = parsed.get(key);
            if (value != null) {
                return value;
            }
        }
        // Loaded outside the lock: two threads may load the same object, both get equal values.
        Object loaded = load.get();
        put(key, loaded);
        return loaded;
    }

    /** The parsed value, or null, without loading it. */
    public Object peek(String key) {
        synchronized (parsed) {
            return parsed.get(key);
        }
    }

    public void put(String key, Object value) {
        synchronized (parsed) {
            parsed.put(key, value);
        }
    }

    /** An object's bytes as stored, loaded once per container while they fit in the budget. */
    public byte[] bytes(String key, Supplier<byte[]> load) {
        synchronized (raw) {
            byte[] value = raw.get(key);
            if (value != null) {
                return value;
            }
        }
        byte[] loaded = load.get();
        synchronized (raw) {
            byte[] previous = raw.put(key, loaded);
            rawBytes += loaded.length - (previous == null ? 0 : previous.length);
            Iterator<byte[]> eldest = raw.values().iterator();
            while (rawBytes > maxRawBytes && eldest.hasNext()) {
                rawBytes -= eldest.next().length;
                eldest.remove();
            }
        }
        return loaded;
    }
}
