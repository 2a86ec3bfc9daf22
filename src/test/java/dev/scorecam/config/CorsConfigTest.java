package dev.scorecam.config;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.options;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import static org.hamcrest.Matchers.containsString;

import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import dev.scorecam.cache.AnswerCache;
import dev.scorecam.explain.Explainer;
import dev.scorecam.queue.ExplanationBatches;
import dev.scorecam.queue.ExplanationJobs;
import dev.scorecam.model.ModelRegistry;

/** Browsers on other origins: preflight and actual requests, with and without allowed origins. */
class CorsConfigTest {

    static final String APP = "https://app.example.com";
    static final String EXPLAIN = "/v1/models/fashion-cnn/explanations";

    abstract static class Slice {

        @Autowired
        MockMvc mvc;

        @MockitoBean
        ModelRegistry models;

        @MockitoBean
        Explainer explainer;

        @MockitoBean
        ExplanationJobs jobs;

        @MockitoBean
        ExplanationBatches batches;

        @MockitoBean
        AnswerCache cache;
    }

    @Nested
    @WebMvcTest(properties = "scorecam.cors.allowed-origins=" + APP + ",https://*.partner.example")
    class WithAllowedOrigins extends Slice {

        @Test
        void preflightOfAnUploadIsAllowed() throws Exception {
            mvc.perform(options(EXPLAIN)
                            .header(HttpHeaders.ORIGIN, APP)
                            .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                            .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "content-type, accept"))
                    .andExpect(status().isOk())
                    .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, APP))
                    .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, containsString("POST")))
                    .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, containsString("content-type")))
                    .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "1800"))
                    .andExpect(header().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS));
        }

        @Test
        void patternsMatchSubdomains() throws Exception {
            mvc.perform(options("/v1/jobs/123")
                            .header(HttpHeaders.ORIGIN, "https://eu.partner.example")
                            .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "DELETE"))
                    .andExpect(status().isOk())
                    .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "https://eu.partner.example"));
        }

        @Test
        void responsesExposeTheHeadersClientsRead() throws Exception {
            org.mockito.Mockito.when(models.all()).thenReturn(List.of());
            mvc.perform(get("/v1/models").header(HttpHeaders.ORIGIN, APP))
                    .andExpect(status().isOk())
                    .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, APP))
                    .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, containsString("Location")))
                    .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, containsString("Retry-After")))
                    .andExpect(header().string(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, containsString("Scorecam-Target")));
        }

        @Test
        void otherOriginsAreRefused() throws Exception {
            mvc.perform(options(EXPLAIN)
                            .header(HttpHeaders.ORIGIN, "https://evil.example")
                            .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST"))
                    .andExpect(status().isForbidden())
                    .andExpect(header().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN));
        }
    }

    @Nested
    @WebMvcTest
    class ByDefault extends Slice {

        @Test
        void noOriginIsAllowed() throws Exception {
            mvc.perform(options(EXPLAIN)
                            .header(HttpHeaders.ORIGIN, APP)
                            .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST"))
                    .andExpect(header().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN));
            mvc.perform(get("/v1/models").header(HttpHeaders.ORIGIN, APP))
                    .andExpect(header().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN));
        }
    }
}
