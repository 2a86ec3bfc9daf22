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

    /** The manifest of that kind and name. */
    Map<String, Object> named(String kind, String name) {
        return all(kind).stream().filter(m -> name.equals(Yamls.at(m, "metadata.name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + "; rendered: "
                        + manifests.stream().map(m -> m.get("kind") + "/" + Yamls.at(m, "metadata.name")).toList()));
    }

    /** The pod spec of the Deployment with that name (when several are rendered). */
    Map<String, Object> podSpec(String deployment) {
        return Yamls.map(Yamls.at(named("Deployment", deployment), "spec.template.spec"));
    }

    /** The server container of the Deployment with that name. */
    Map<String, Object> server(String deployment) {
        return Yamls.map(Yamls.list(podSpec(deployment).get("containers")).get(0));
    }

    /** application.yaml from the ConfigMap, parsed. */
    Map<String, Object> applicationSettings() {
        Map<String, Object> data = Yamls.map(only("ConfigMap").get("data"));
        return Yamls.parse((String) data.get("application.yaml"));
    }
}
