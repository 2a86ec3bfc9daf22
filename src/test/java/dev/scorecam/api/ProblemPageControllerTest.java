package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.util.HtmlUtils;

import dev.scorecam.problem.ProblemType;

/** Each problem's type resolves to a page with the catalogue's title, status and what to do. */
@WebMvcTest(ProblemPageController.class)
class ProblemPageControllerTest {

    /** What Chromium and Firefox send for a page they navigate to. */
    static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    @Autowired
    MockMvc mvc;

    @ParameterizedTest
    @EnumSource(ProblemType.class)
    void everyTypeAnswersItsCatalogueEntryAsJson(ProblemType type) throws Exception {
        mvc.perform(get("/problems/" + type.slug()).accept(MediaType.APPLICATION_JSON))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.type").value("/problems/" + type.slug()))
                .andExpect(jsonPath("$.title").value(type.title()))
                .andExpect(jsonPath("$.status").value(type.status()))
                .andExpect(jsonPath("$.whatToDo").value(type.whatToDo()));
    }

    @ParameterizedTest
    @EnumSource(ProblemType.class)
    void aBrowserGetsAPageWithTitleStatusAndWhatToDo(ProblemType type) throws Exception {
        String page = mvc.perform(get("/problems/" + type.slug()).header("Accept", BROWSER_ACCEPT))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                .andReturn().getResponse().getContentAsString();

        assertThat(page).contains("<h1>" + HtmlUtils.htmlEscape(type.title()) + "</h1>",
                "<strong>" + type.status() + "</strong>", HtmlUtils.htmlEscape(type.whatToDo()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"*/*", "application/problem+json, application/json"})
    void aClientThatDoesNotAskForHtmlGetsJson(String accept) throws Exception {
        mvc.perform(get("/problems/queue-full").header("Accept", accept))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.status").value(503));
    }

    @Test
    void withoutAnAcceptHeaderTheAnswerIsJson() throws Exception {
        mvc.perform(get("/problems/timeout"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.title").value("Request timed out"));
    }

    @Test
    void anUnknownSlugIsA404Problem() throws Exception {
        mvc.perform(get("/problems/no-such-problem").accept(MediaType.APPLICATION_JSON))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("/problems/not-found"))
                .andExpect(jsonPath("$.detail").value(containsString("'no-such-problem'")));
    }

    @ParameterizedTest
    @EnumSource(ProblemType.class)
    void everyTypeSaysWhatToDoInASentence(ProblemType type) {
        assertThat(type.whatToDo()).isNotBlank().endsWith(".").doesNotContain(type.title());
    }
}
