package com.audmg.drive.desktop.backend;

import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;

/** Thin adapter over {@code com.audmg.drive.local.LocalCloud}, the one place that knows its API. */
final class LocalCloudHandle implements AutoCloseable {

    private static final String CLOUD = "com.audmg.drive.local.LocalCloud";
    private static final String OPTIONS = "com.audmg.drive.local.LocalCloudOptions";

    private final Object cloud;

    private LocalCloudHandle(Object cloud) {
        this.cloud = cloud;
    }

    static boolean isAvailable() {
        try {
            Class.forName(CLOUD, false, LocalCloudHandle.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static LocalCloudHandle start(Path config, Path artifact, Path dataDir) throws Exception {
        ClassLoader cl = LocalCloudHandle.class.getClassLoader();
        Class<?> cloudType;
        Class<?> optionsType;
        try {
            cloudType = Class.forName(CLOUD, true, cl);
            optionsType = Class.forName(OPTIONS, true, cl);
        } catch (ClassNotFoundException e) {
            throw new BackendException("This build does not include the local cloud", e);
        }
        Object builder = optionsType.getMethod("builder").invoke(null);
        builder = call(builder, "port", 0);
        builder = call(builder, "dataDir", dataDir);
        builder = call(builder, "stage", "local");
        builder = call(builder, "config", config);
        builder = call(builder, "artifact", artifact);
        builder = call(builder, "prewarm", true);
        Object options = builder.getClass().getMethod("build").invoke(builder);
        Object cloud = cloudType.getMethod("start", optionsType).invoke(null, options);
        return new LocalCloudHandle(cloud);
    }

    private static Object call(Object target, String name, Object arg) throws Exception {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1) {
                Class<?> p = m.getParameterTypes()[0];
                if (p.isInstance(arg) || (p == int.class && arg instanceof Integer)
                        || (p == boolean.class && arg instanceof Boolean)) {
                    Object r = m.invoke(target, arg);
                    return r == null ? target : r;
                }
            }
        }
        return target;
    }

    URI baseUrl() {
        try {
            return (URI) cloud.getClass().getMethod("baseUrl").invoke(cloud);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            cloud.getClass().getMethod("close").invoke(cloud);
        } catch (ReflectiveOperationException e) {
            // closing is best effort at exit
        }
    }
}
