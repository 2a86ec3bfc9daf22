package dev.scorecam.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

import dev.scorecam.problem.ProblemType;

/**
 * What a problem's {@code type} resolves to: {@code /problems/<slug>} answers the catalogue's
 * title, status and what to do, as a short page for a browser (one that asks for text/html) and
 * as JSON for anything else. Open in every security mode, like the page at {@code /}.
 */
@RestController
class ProblemPageController {

    /** The JSON form of a problem type's page. */
    record ProblemTypePage(String type, String title, int status, String whatToDo) {

        static ProblemTypePage of(ProblemType type) {
            return new ProblemTypePage(type.type().toString(), type.title(), type.status(), type.whatToDo());
        }
    }

    @GetMapping("/problems/{slug}")
    ResponseEntity<?> page(@PathVariable String slug,
                           @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        ProblemType type = ProblemType.ofSlug(slug).orElseThrow(() -> new UnknownProblemTypeException(slug));
        if (wantsHtml(accept)) {
            return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                    .body(html(type));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(ProblemTypePage.of(type));
    }

    /** Browsers name text/html; a client that accepts anything (or says nothing) gets JSON. */
    private static boolean wantsHtml(String accept) {
        if (accept == null) {
            return false;
        }
        List<MediaType> types = MediaType.parseMediaTypes(accept);
        return types.stream().anyMatch(type -> type.getQualityValue() > 0
                && MediaType.TEXT_HTML.equalsTypeAndSubtype(type));
    }

    private static String html(ProblemType type) {
        String title = HtmlUtils.htmlEscape(type.title());
        return """
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><title>%s (%d) - Score-CAM server</title></head>
                <body>
                <h1>%s</h1>
                <p>HTTP status <strong>%d</strong>; problem type <code>%s</code>.</p>
                <p>%s</p>
                <p>Every error of this API is an RFC 9457 problem (<code>application/problem+json</code>): branch on its
                <code>type</code>, not on its text. The API is described at <a href="/v3/api-docs">/v3/api-docs</a>.</p>
                </body>
                </html>
                """.formatted(title, type.status(), title, type.status(), HtmlUtils.htmlEscape(type.type().toString()),
                HtmlUtils.htmlEscape(type.whatToDo()));
    }
}
