package dev.scorecam.api;

import java.util.List;
import java.util.function.Function;

import org.springframework.core.convert.ConversionException;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.format.support.DefaultFormattingConversionService;
import org.springframework.web.context.request.NativeWebRequest;

import dev.scorecam.explain.Rejection;

/**
 * One field of a request form, declared once: its name, type and default, from which it is bound
 * (a query parameter or a multipart form field, converted as Spring converts request parameters)
 * and documented ({@link ApiDocumentation}).
 *
 * @param defaultValue what an absent or empty field means; null: not given
 */
record FormField<T>(String name, TypeDescriptor type, T defaultValue) {

    private static final ConversionService CONVERSION = new DefaultFormattingConversionService();

    static <T> FormField<T> of(String name, Class<T> type, T defaultValue) {
        return new FormField<>(name, TypeDescriptor.valueOf(type), defaultValue);
    }

    /** Repeated ({@code target=a&target=b}) or comma-separated. */
    static FormField<List<String>> strings(String name) {
        return new FormField<>(name, TypeDescriptor.collection(List.class, TypeDescriptor.valueOf(String.class)), null);
    }

    /** @throws dev.scorecam.explain.RequestRejectedException (invalid-parameter) when it is not of the field's type */
    T read(NativeWebRequest request) {
        return read(request::getParameterValues);
    }

    /**
     * @param source the values given for a field name, as request parameters are (null: none)
     * @throws dev.scorecam.explain.RequestRejectedException (invalid-parameter) when it is not of the field's type
     */
    @SuppressWarnings("unchecked")
    T read(Function<String, String[]> source) {
        String[] values = source.apply(name);
        if (values == null || (values.length == 1 && values[0].isEmpty())) {
            return defaultValue;
        }
        Object value = values.length == 1 ? values[0] : values;
        try {
            return (T) CONVERSION.convert(value, TypeDescriptor.forObject(value), type);
        } catch (ConversionException e) {
            throw Rejection.INVALID_PARAMETER.because("'" + name + "' cannot be '" + String.join(",", values) + "'");
        }
    }
}
