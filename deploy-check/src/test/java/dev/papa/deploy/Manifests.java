package dev.papa.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Every manifest under k8s/ (kustomization.yaml aside), parsed into the fabric8 Kubernetes model. */
final class Manifests {

    static final String DIR = "k8s";
    static final String KUSTOMIZATION = "kustomization.yaml";

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** One YAML document: where it is, its tree, and its typed object (GenericKubernetesResource for CRDs). */
    record Manifest(String file, JsonNode tree, HasMetadata object) {
        String kind() {
            return object.getKind();
        }

        String name() {
            return object.getMetadata() == null ? null : object.getMetadata().getName();
        }

        boolean typed() {
            return !(object instanceof GenericKubernetesResource);
        }

        @Override
        public String toString() {
            return kind() + " " + name() + " (k8s/" + file + ")";
        }
    }

    /** A workload (Deployment or StatefulSet) reduced to what the checks need. */
    record Workload(Manifest manifest, PodTemplateSpec template) {
        Container container() {
            List<Container> containers = template.getSpec().getContainers();
            if (containers.size() != 1) {
                throw new AssertionError(manifest + " should run one container, has " + containers.size());
            }
            return containers.get(0);
        }
    }

    private final List<Manifest> all;

    private Manifests(List<Manifest> all) {
        this.all = all;
    }

    static Manifests load() {
        Path dir = Repo.path(DIR);
        List<Manifest> out = new ArrayList<>();
        for (String file : Repo.yamlFiles(dir)) {
            if (file.equals(KUSTOMIZATION)) {
                continue;
            }
            int index = 0;
            for (JsonNode doc : Yaml.documents(dir.resolve(file))) {
                index++;
                out.add(new Manifest(file, doc, parse(file + " document " + index, doc)));
            }
        }
        return new Manifests(out);
    }

    /** The typed object of one document: its registered model class, else a GenericKubernetesResource. */
    static HasMetadata parse(String where, JsonNode doc) {
        String apiVersion = doc.path("apiVersion").asText(null);
        String kind = doc.path("kind").asText(null);
        if (apiVersion == null || kind == null) {
            throw new AssertionError(where + ": every manifest needs apiVersion and kind");
        }
        Class<? extends KubernetesResource> type = SERIALIZATION.getRegisteredKubernetesResource(apiVersion, kind);
        Class<? extends KubernetesResource> target = type == null ? GenericKubernetesResource.class : type;
        Object parsed = SERIALIZATION.convertValue(doc, target);
        if (!(parsed instanceof HasMetadata hasMetadata)) {
            throw new AssertionError(where + ": " + kind + " is not a Kubernetes object with metadata");
        }
        return hasMetadata;
    }

    List<Manifest> all() {
        return all;
    }

    List<Manifest> ofKind(String kind) {
        return all.stream().filter(m -> kind.equals(m.kind())).toList();
    }

    Optional<Manifest> find(String kind, String name) {
        return all.stream().filter(m -> kind.equals(m.kind()) && name.equals(m.name())).findFirst();
    }

    Manifest get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("k8s/ has no " + kind + " named " + name));
    }

    /** The Deployment or StatefulSet of a service (named papa-SERVICE). */
    Optional<Workload> workload(String name) {
        for (Manifest m : all) {
            if (!name.equals(m.name())) {
                continue;
            }
            if (m.object() instanceof Deployment d) {
                return Optional.of(new Workload(m, d.getSpec().getTemplate()));
            }
            if (m.object() instanceof StatefulSet s) {
                return Optional.of(new Workload(m, s.getSpec().getTemplate()));
            }
        }
        return Optional.empty();
    }

    Optional<ConfigMap> configMap(String name) {
        return find("ConfigMap", name).map(m -> (ConfigMap) m.object());
    }
}
