package health.ductcare.support;

import java.util.function.Supplier;

/**
 * A value computed once, by the first caller, on whatever thread that is; later callers get the same value. A
 * failed computation is not kept: the next caller tries again.
 */
public final class Lazy<T> implements Supplier<T> {

    private final Supplier<T> computation;
    private volatile T value;

    private Lazy(Supplier<T> computation) {
        this.computation = computation;
    }

    public static <T> Lazy<T> of(Supplier<T> computation) {
        return new Lazy<>(computation);
    }

    @Override
    public T get() {
        T result = value;
        if (result == null) {
            synchronized (this) {
                result = value;
                if (result == null) {
                    result = computation.get();
                    value = result;
                }
            }
        }
        return result;
    }
}
