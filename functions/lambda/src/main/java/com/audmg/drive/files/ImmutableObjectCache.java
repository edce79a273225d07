package com.audmg.drive.files;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Parsed immutable objects (library segments and manifests: a rewrite always makes a new key),
 * kept per container so that a warm function reads only the library's head from S3. Bounded by
 * entry count, least recently used first out.
 */
public final class ImmutableObjectCache {

    private final Map<String, Object> entries;

    public ImmutableObjectCache(int maxEntries) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return size() > maxEntries;
            }
        };
    }

    public Object get(String key, Supplier<Object> load) {
        synchronized (entries) {
            Object value = entries.get(key);
            if (value != null) {
                return value;
            }
        }
        // Loaded outside the lock: two threads may load the same object, both get equal values.
        Object loaded = load.get();
        put(key, loaded);
        return loaded;
    }

    /** The cached value, or null, without loading it. */
    public Object peek(String key) {
        synchronized (entries) {
            return entries.get(key);
        }
    }

    public void put(String key, Object value) {
        synchronized (entries) {
            entries.put(key, value);
        }
    }
}
