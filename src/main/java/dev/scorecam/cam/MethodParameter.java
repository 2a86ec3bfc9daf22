package dev.scorecam.cam;

/**
 * One parameter a CAM method takes, declared once: its name in requests, its type, default and
 * bounds (both inclusive) and what it means. The checks, {@code GET /v1/methods} and the API
 * document read it.
 */
public record MethodParameter(String name, Type type, Number defaultValue, Number minimum, Number maximum,
        String description) {

    /** How a value is written: JSON's {@code integer} or {@code number}, in the width the method takes. */
    public enum Type {
        INT32("integer", Integer.class),
        INT64("integer", Long.class),
        DOUBLE("number", Double.class);

        private final String json;
        private final Class<? extends Number> javaType;

        Type(String json, Class<? extends Number> javaType) {
            this.json = json;
            this.javaType = javaType;
        }

        /** {@code integer} or {@code number}. */
        public String json() {
            return json;
        }

        public Class<? extends Number> javaType() {
            return javaType;
        }

        Number of(Number value) {
            return switch (this) {
                case INT32 -> value.intValue();
                case INT64 -> value.longValue();
                case DOUBLE -> value.doubleValue();
            };
        }
    }

    public MethodParameter {
        defaultValue = type.of(defaultValue);
        minimum = type.of(minimum);
        maximum = type.of(maximum);
    }

    /**
     * The value to use for what a request gave (null: the default), in this parameter's type.
     *
     * @throws IllegalArgumentException naming the parameter: not a whole number where one is
     *     needed, or out of bounds
     */
    Number bind(Number given) {
        if (given == null) {
            return defaultValue;
        }
        double v = given.doubleValue();
        boolean whole = given instanceof Integer || given instanceof Long || (Double.isFinite(v) && v == Math.rint(v));
        boolean integer = type != Type.DOUBLE;
        if (!Double.isFinite(v) || (integer && !whole)
                || v < minimum.doubleValue() || v > maximum.doubleValue()) {
            throw new IllegalArgumentException("'" + name + "' must be " + (integer ? "an integer" : "a number")
                    + " between " + minimum + " and " + maximum + ", not " + given);
        }
        return type.of(given);
    }
}
