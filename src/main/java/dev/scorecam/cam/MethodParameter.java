package dev.scorecam.cam;

import java.util.List;

/**
 * One parameter a CAM method takes, declared once: its name in requests, its type, default and
 * bounds (both inclusive; a choice has its values instead) and what it means. The checks,
 * {@code GET /v1/methods} and the API document read it.
 *
 * @param minimum null for a choice
 * @param maximum null for a choice
 * @param values the values a choice may take, in the order they are documented; empty for a number
 */
public record MethodParameter(String name, Type type, Object defaultValue, Number minimum, Number maximum,
        List<String> values, String description) {

    /** How a value is written: JSON's {@code integer}, {@code number} or {@code string}, in the width the method takes. */
    public enum Type {
        INT32("integer", Integer.class),
        INT64("integer", Long.class),
        DOUBLE("number", Double.class),
        /** One of a fixed set of names. */
        CHOICE("string", String.class);

        private final String json;
        private final Class<?> javaType;

        Type(String json, Class<?> javaType) {
            this.json = json;
            this.javaType = javaType;
        }

        /** {@code integer}, {@code number} or {@code string}. */
        public String json() {
            return json;
        }

        public Class<?> javaType() {
            return javaType;
        }

        Number of(Number value) {
            return switch (this) {
                case INT32 -> value.intValue();
                case INT64 -> value.longValue();
                case DOUBLE -> value.doubleValue();
                case CHOICE -> throw new IllegalStateException("a choice is not a number");
            };
        }
    }

    public MethodParameter {
        values = List.copyOf(values);
        if (type == Type.CHOICE) {
            if (!values.contains(defaultValue) || minimum != null || maximum != null) {
                throw new IllegalArgumentException("a choice's default must be one of its values, and it has no bounds");
            }
        } else {
            defaultValue = type.of((Number) defaultValue);
            minimum = type.of(minimum);
            maximum = type.of(maximum);
        }
    }

    /** A number between {@code minimum} and {@code maximum}. */
    public MethodParameter(String name, Type type, Number defaultValue, Number minimum, Number maximum,
            String description) {
        this(name, type, defaultValue, minimum, maximum, List.of(), description);
    }

    /** One of {@code values}, by name. */
    static MethodParameter choice(String name, List<String> values, String defaultValue, String description) {
        return new MethodParameter(name, Type.CHOICE, defaultValue, null, null, values, description);
    }

    /**
     * The value to use for what a request gave (null: the default), in this parameter's type: a
     * {@link Number} of its width, or for a choice one of its values.
     *
     * @throws IllegalArgumentException naming the parameter: not a whole number where one is
     *     needed, out of bounds, not one of a choice's values, or not of the parameter's kind
     */
    Object bind(Object given) {
        if (given == null) {
            return defaultValue;
        }
        if (type == Type.CHOICE) {
            if (!values.contains(given)) {
                throw new IllegalArgumentException("'" + name + "' must be one of " + String.join(", ", values)
                        + ", not '" + given + "'");
            }
            return given;
        }
        if (!(given instanceof Number number)) {
            throw new IllegalArgumentException("'" + name + "' must be a number, not '" + given + "'");
        }
        double v = number.doubleValue();
        boolean whole = given instanceof Integer || given instanceof Long || (Double.isFinite(v) && v == Math.rint(v));
        boolean integer = type != Type.DOUBLE;
        if (!Double.isFinite(v) || (integer && !whole)
                || v < minimum.doubleValue() || v > maximum.doubleValue()) {
            throw new IllegalArgumentException("'" + name + "' must be " + (integer ? "an integer" : "a number")
                    + " between " + minimum + " and " + maximum + ", not " + given);
        }
        return type.of(number);
    }
}
