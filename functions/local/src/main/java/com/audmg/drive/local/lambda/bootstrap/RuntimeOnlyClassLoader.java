package com.audmg.drive.local.lambda.bootstrap;

/**
 * The parent of the handler's class loader: the JDK plus the Lambda runtime interfaces
 * ({@code com.amazonaws.services.lambda.runtime.*}), as the Lambda Java runtime exposes them.
 * Events classes and the serialization library stay invisible: the artifact must bring its own.
 */
final class RuntimeOnlyClassLoader extends ClassLoader {
    private static final String RUNTIME = "com.amazonaws.services.lambda.runtime.";

    private final ClassLoader runtime;

    RuntimeOnlyClassLoader(ClassLoader runtime) {
        super("lambda-runtime", ClassLoader.getPlatformClassLoader());
        this.runtime = runtime;
    }

    static boolean exposed(String className) {
        return className.startsWith(RUNTIME)
                && !className.startsWith(RUNTIME + "events.")
                && !className.startsWith(RUNTIME + "serialization.");
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (exposed(name)) {
            return runtime.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }
}
