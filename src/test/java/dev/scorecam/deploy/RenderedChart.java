package dev.scorecam.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The manifests one {@code helm template} printed, looked up by kind. */
record RenderedChart(List<Map<String, Object>> manifests) {

    static RenderedChart of(String rendered) {
        return new RenderedChart(Yamls.parseAll(rendered));
    }

    List<Map<String, Object>> all(String kind) {
        return manifests.stream().filter(m -> kind.equals(m.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind) {
        List<Map<String, Object>> found = all(kind);
        assertThat(found).as("manifests of kind %s", kind).hasSizeLessThanOrEqualTo(1);
        return found.stream().findFirst();
    }

    Map<String, Object> only(String kind) {
        return find(kind).orElseThrow(() -> new AssertionError("no " + kind + " rendered; kinds: "
                + manifests.stream().map(m -> m.get("kind")).toList()));
    }

    Map<String, Object> podSpec() {
        return Yamls.map(Yamls.at(only("Deployment"), "spec.template.spec"));
    }

    /** The server container (the first one). */
    Map<String, Object> server() {
        return Yamls.map(Yamls.list(podSpec().get("containers")).get(0));
    }

    /** application.yaml from the ConfigMap, parsed. */
    Map<String, Object> applicationSettings() {
        Map<String, Object> data = Yamls.map(only("ConfigMap").get("data"));
        return Yamls.parse((String) data.get("application.yaml"));
    }
}
