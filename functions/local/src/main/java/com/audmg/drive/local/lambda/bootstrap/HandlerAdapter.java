package com.audmg.drive.local.lambda.bootstrap;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One handler instance and the way to call it, as the Lambda Java runtime does: a
 * {@link RequestStreamHandler} gets the raw bytes; any other handler method gets its input
 * deserialized with the events serializers (events classes) or the runtime's Jackson (anything else).
 */
final class HandlerAdapter {
    private final Object instance;
    private final Method method;
    private final boolean stream;
    private final PojoSerializer<Object> input;
    private final ClassLoader loader;
    /** Output serializers by result class: building one per response was ~6% of a warm invocation. */
    private final Map<Class<?>, PojoSerializer<Object>> outputs = new ConcurrentHashMap<>();

    private HandlerAdapter(Object instance, Method method, boolean stream, PojoSerializer<Object> input,
                           ClassLoader loader) {
        this.instance = instance;
        this.method = method;
        this.stream = stream;
        this.input = input;
        this.loader = loader;
    }

    static HandlerAdapter create(String className, String methodName, ClassLoader loader) throws Exception {
        Class<?> type = Class.forName(className, true, loader);
        Object instance = type.getDeclaredConstructor().newInstance();
        if (instance instanceof RequestStreamHandler && methodName.equals("handleRequest")) {
            return new HandlerAdapter(instance, null, true, null, loader);
        }
        Method chosen = null;
        for (Method m : type.getMethods()) {
            if (!m.getName().equals(methodName) || m.isBridge() || m.isSynthetic()
                    || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Class<?>[] params = m.getParameterTypes();
            boolean ok = params.length <= 2 && (params.length < 2 || params[1] == Context.class);
            if (ok && (chosen == null || params.length > chosen.getParameterCount()
                    || chosen.getParameterTypes()[0] == Object.class)) {
                chosen = m;
            }
        }
        if (chosen == null) {
            throw new NoSuchMethodException("no public method " + methodName + "(input[, Context]) in " + className);
        }
        PojoSerializer<Object> input = null;
        if (chosen.getParameterCount() >= 1) {
            Class<?> inClass = chosen.getParameterTypes()[0];
            if (inClass == InputStream.class) {
                input = null;
            } else {
                input = serializer(inClass, chosen.getGenericParameterTypes()[0], loader);
            }
        }
        return new HandlerAdapter(instance, chosen, false, input, loader);
    }

    @SuppressWarnings("unchecked")
    private static PojoSerializer<Object> serializer(Class<?> raw, Type generic, ClassLoader loader) {
        if (LambdaEventSerializers.isLambdaSupportedEvent(raw.getName())) {
            return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(raw, loader);
        }
        return JacksonFactory.getInstance().getSerializer(generic);
    }

    byte[] invoke(byte[] event, Context context) throws Throwable {
        Thread.currentThread().setContextClassLoader(loader);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (stream) {
                ((RequestStreamHandler) instance).handleRequest(new ByteArrayInputStream(event), out, context);
                return out.toByteArray();
            }
            Object[] args = new Object[method.getParameterCount()];
            if (args.length >= 1) {
                args[0] = input == null ? new ByteArrayInputStream(event) : input.fromJson(new ByteArrayInputStream(event));
            }
            if (args.length == 2) {
                args[1] = context;
            }
            Object result = method.invoke(instance, args);
            if (result == null) {
                return "null".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            if (result instanceof byte[] bytes) {
                return bytes;
            }
            outputs.computeIfAbsent(result.getClass(), c -> serializer(c, c, loader)).toJson(result, out);
            return out.toByteArray();
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
