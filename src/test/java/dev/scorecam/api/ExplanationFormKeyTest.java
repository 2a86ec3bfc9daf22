package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.scorecam.cache.AnswerKeys;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.context.request.NativeWebRequest;

/**
 * The answer cache's key holds every field the form and the rendering bind: a field left out of {@code describe}
 * would let two requests that differ in it share one answer (as a detector's box once did).
 */
class ExplanationFormKeyTest {

    @Test
    void describeWritesEveryBoundField() {
        AnswerKeys key = mock(AnswerKeys.class);
        when(key.add(anyString(), any())).thenReturn(key);

        ExplanationForm.bind(name -> null).describe(key);

        assertThat(written(key)).containsAll(ExplanationForm.fields().stream().map(FormField::name).toList());
    }

    /** A choice-valued method parameter is written as bound: two weightings never share an answer. */
    @Test
    void theChannelWeightingIsWrittenAsGiven() {
        AnswerKeys key = mock(AnswerKeys.class);
        when(key.add(anyString(), any())).thenReturn(key);

        ExplanationForm.bind(name -> name.equals("weighting") ? new String[] {"relu-increase"} : null).describe(key);

        verify(key).add("weighting", "relu-increase");
    }

    @Test
    void theRenderingWritesEveryBoundField() {
        AnswerKeys key = mock(AnswerKeys.class);
        when(key.add(anyString(), any())).thenReturn(key);

        Rendering.bind(mock(NativeWebRequest.class)).describe(key);

        assertThat(written(key)).containsAll(Rendering.fields().stream().map(FormField::name).toList());
    }

    private static List<String> written(AnswerKeys key) {
        return mockingDetails(key).getInvocations().stream().map(invocation -> (String) invocation.getArgument(0))
                .toList();
    }
}
