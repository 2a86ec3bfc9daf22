package dev.scorecam.cam;

import java.util.List;

/**
 * The values of a method's parameters as used: one per parameter the method declares, in its
 * order, defaults filled in, each of its parameter's type (a {@link Number} of its width, or a
 * choice's value as a {@link String}).
 */
public record MethodArguments(List<Argument> values) {

    public record Argument(MethodParameter parameter, Object value) {}

    public MethodArguments {
        values = List.copyOf(values);
    }

    int intValue(MethodParameter parameter) {
        return ((Number) value(parameter)).intValue();
    }

    long longValue(MethodParameter parameter) {
        return ((Number) value(parameter)).longValue();
    }

    double doubleValue(MethodParameter parameter) {
        return ((Number) value(parameter)).doubleValue();
    }

    String choice(MethodParameter parameter) {
        return (String) value(parameter);
    }

    private Object value(MethodParameter parameter) {
        return values.stream().filter(a -> a.parameter().equals(parameter)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no argument for '" + parameter.name() + "'")).value();
    }
}
