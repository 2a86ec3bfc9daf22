package dev.scorecam.api;

import java.util.Comparator;
import java.util.List;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * JSON unless the client prefers PNG or the raw map as NumPy {@code .npy}; Spring has already
 * refused what is none of them (406).
 */
enum ResponseFormat {
    JSON,
    PNG,
    NPY;

    static ResponseFormat negotiate(String accept) {
        if (accept == null || accept.isBlank()) {
            return JSON;
        }
        List<MediaType> accepted;
        try {
            accepted = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            return JSON;
        }
        return accepted.stream()
                .sorted(Comparator.comparingDouble(MediaType::getQualityValue).reversed())
                .filter(type -> type.isCompatibleWith(MediaType.APPLICATION_JSON) || type.isCompatibleWith(MediaType.IMAGE_PNG)
                        || type.isCompatibleWith(NpyFormat.MEDIA_TYPE))
                .findFirst()
                .map(type -> type.isCompatibleWith(MediaType.APPLICATION_JSON) ? JSON
                        : type.isCompatibleWith(MediaType.IMAGE_PNG) ? PNG : NPY)
                .orElse(JSON);
    }
}
