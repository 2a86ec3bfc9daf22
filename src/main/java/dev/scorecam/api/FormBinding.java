package dev.scorecam.api;

import java.util.List;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Binds the request forms ({@link ExplanationForm}, {@link Rendering}, {@link DetectionForm}) wherever a
 * controller takes one.
 */
@Configuration(proxyBeanMethods = false)
class FormBinding implements WebMvcConfigurer {

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                Class<?> type = parameter.getParameterType();
                return type == ExplanationForm.class || type == Rendering.class || type == DetectionForm.class;
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                    NativeWebRequest request, WebDataBinderFactory binderFactory) {
                Class<?> type = parameter.getParameterType();
                if (type == ExplanationForm.class) {
                    return ExplanationForm.bind(request);
                }
                return type == Rendering.class ? Rendering.bind(request) : DetectionForm.bind(request);
            }
        });
    }
}
