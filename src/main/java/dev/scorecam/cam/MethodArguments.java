package dev.scorecam.cam;

import java.util.List;

/**
 * The values of a method's parameters as used: one per parameter the method declares, in its
 * order, defaults filled in, each of its parameter's type.
 */
public record MethodArguments(List<Argument> values) {

    public record Argument(MethodParameter parameter, Number value) {}

    public MethodArguments {
        values = List.copyOf(values);
    }

    int intValue(MethodParameter parameter) {
        return value(parameter).intValue();
    }

    long longValue(MethodParameter parameter) {
        return value(parameter).longValue();
    }

    double doubleValue(MethodParameter parameter) {
        return value(parameter).doubleValue();
    }

    private Number value(MethodParameter parameter) {
        return values.stream().filter(a -> a.parameter().equals(parameter)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no argument for '" + parameter.name() + "'")).value();
    }
}
