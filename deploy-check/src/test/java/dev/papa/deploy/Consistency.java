package dev.papa.deploy;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.papa.kafka.local.PapaTopics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * Does the deployment (docker-compose.yml, k8s/, deploy/) match one service's own configuration?
 * Returns the mismatches as readable sentences, so a test can assert there are none, and another can
 * assert that a renamed property or port would be caught.
 */
final class Consistency {

    /** The contract's topic properties, each with its topic in the catalogue. */
    static final Map<String, String> TOPIC_PROPERTIES = Map.of(
            "papa.topics.images", PapaTopics.IMAGES,
            "papa.topics.feedback", PapaTopics.FEEDBACK,
            "papa.topics.preferences", PapaTopics.PREFERENCES,
            "papa.topics.adapters", PapaTopics.ADAPTERS,
            "papa.topics.dead-letter", PapaTopics.DEADLETTER);

    static final String BOOTSTRAP = "kafka.bootstrap.servers";
    static final String TOKEN_SECRET = "papa.token.secret";
    static final String BASE_MODEL = "papa.model.base-path";
    static final String TRAINER_GROUP = "papa.trainer.group-id";
    /** The Secret and key that hold the feedback-token secret in Kubernetes. */
    static final String SECRET_NAME = "papa-token";
    static final String SECRET_KEY = "secret";
    static final String MODELS_DIR = "/models/";

    /** Environment variables the checks map onto the service's properties. */
    private static final Pattern CHECKED_ENV = Pattern.compile("^(PAPA|KAFKA)_.*");
    /** ${PAPA_TOKEN_SECRET} or ${PAPA_TOKEN_SECRET:?message}: from the environment, no default. */
    static final Pattern SECRET_FROM_ENVIRONMENT =
            Pattern.compile("^\\$\\{PAPA_TOKEN_SECRET(?::?\\?.*)?}$", Pattern.DOTALL);

    private final Compose compose;
    private final Manifests manifests;

    Consistency(Compose compose, Manifests manifests) {
        this.compose = compose;
        this.manifests = manifests;
    }

    static Consistency load() {
        return new Consistency(Compose.load(), Manifests.load());
    }

    static String dockerfileOf(String service) {
        return "deploy/" + service + ".Dockerfile";
    }

    List<String> problems(String service, ServiceProperties props) {
        List<String> problems = new ArrayList<>();
        int port;
        try {
            port = props.httpPort();
        } catch (RuntimeException | AssertionError e) {
            problems.add(e.getMessage());
            return problems;
        }
        String app = props.value("quarkus.application.name").orElse("papa-" + service);
        for (String key : props.keys()) {
            if (key.startsWith("papa.topics.") && !TOPIC_PROPERTIES.containsKey(key)) {
                problems.add(props.source() + " declares " + key + ", a topic the contract and PapaTopics do not know");
            }
            if (TOPIC_PROPERTIES.containsKey(key)) {
                String value = props.value(key).orElse(null);
                if (!TOPIC_PROPERTIES.get(key).equals(value)) {
                    problems.add(props.source() + ": " + key + " = " + value + ", PapaTopics says " + TOPIC_PROPERTIES.get(key));
                }
            }
        }
        String image = checkCompose(service, props, port, app, problems);
        checkKubernetes(service, props, port, image, problems);
        checkDockerfile(service, props, port, problems);
        checkPrometheus(service, props, port, problems);
        return problems;
    }

    // ---- docker-compose.yml ---------------------------------------------------------------------

    private String checkCompose(String service, ServiceProperties props, int port, String app, List<String> problems) {
        String where = "docker-compose.yml service " + service;
        if (!compose.hasService(service)) {
            problems.add("docker-compose.yml has no service '" + service + "'");
            return null;
        }
        JsonNode node = compose.service(service);
        String image = node.path("image").asText(null);
        if (image == null || !imageRepository(image).equals(app)) {
            problems.add(where + ": image " + image + " should be named after the application, " + app + ":<tag>");
        }
        String dockerfile = node.path("build").path("dockerfile").asText(null);
        if (!dockerfileOf(service).equals(dockerfile) || !".".equals(node.path("build").path("context").asText(null))) {
            problems.add(where + ": build should be context '.' with dockerfile " + dockerfileOf(service) + ", is "
                    + node.path("build"));
        }
        if (!compose.containerPorts(service).contains(port)) {
            problems.add(where + ": publishes container ports " + compose.containerPorts(service) + ", the service listens on "
                    + port + " (quarkus.http.port in " + props.source() + ")");
        }
        if (!"service_completed_successfully".equals(node.path("depends_on").path("kafka-init").path("condition").asText(null))) {
            problems.add(where + ": should depend on kafka-init with condition service_completed_successfully");
        }
        Map<String, String> env = compose.environment(service);
        checkEnvironment(where, env, props, port, problems);
        for (String key : requiredKeys(props)) {
            if (!env.containsKey(ServiceProperties.envName(key))) {
                problems.add(where + " does not set " + ServiceProperties.envName(key) + " (" + key + " of " + props.source() + ")");
            }
        }
        if (props.declares(TOKEN_SECRET)) {
            String secret = env.get(ServiceProperties.envName(TOKEN_SECRET));
            if (secret != null && !SECRET_FROM_ENVIRONMENT.matcher(secret).matches()) {
                problems.add(where + ": PAPA_TOKEN_SECRET must come from the environment or .env, with no default "
                        + "(${PAPA_TOKEN_SECRET:?...}), never a value in the file");
            }
        }
        String bootstrap = env.get(ServiceProperties.envName(BOOTSTRAP));
        if (bootstrap != null) {
            String advertised = compose.environment("kafka").getOrDefault("KAFKA_ADVERTISED_LISTENERS", "");
            if (!advertised.contains("://" + bootstrap)) {
                problems.add(where + ": KAFKA_BOOTSTRAP_SERVERS " + bootstrap + " is not an advertised listener of the kafka "
                        + "service (" + advertised + ")");
            }
        }
        return image;
    }

    // ---- k8s/ -------------------------------------------------------------------------------------

    private void checkKubernetes(String service, ServiceProperties props, int port, String composeImage, List<String> problems) {
        String name = "papa-" + service;
        Optional<Manifests.Workload> found = manifests.workload(name);
        if (found.isEmpty()) {
            problems.add("k8s/ has no Deployment or StatefulSet named " + name);
            return;
        }
        Manifests.Workload workload = found.get();
        String where = workload.manifest().toString();
        Container container = workload.container();
        if (composeImage != null && !composeImage.equals(container.getImage())) {
            problems.add(where + ": image " + container.getImage() + ", docker-compose.yml builds " + composeImage);
        }
        List<ContainerPort> ports = container.getPorts() == null ? List.of() : container.getPorts();
        if (ports.stream().noneMatch(p -> Objects.equals(p.getContainerPort(), port))) {
            problems.add(where + ": container ports " + ports.stream().map(ContainerPort::getContainerPort).toList()
                    + ", the service listens on " + port + " (quarkus.http.port in " + props.source() + ")");
        }
        checkProbe(where, "liveness", container.getLivenessProbe(), props.livenessPath(), port, ports, problems, true);
        checkProbe(where, "readiness", container.getReadinessProbe(), props.readinessPath(), port, ports, problems, true);
        checkProbe(where, "startup", container.getStartupProbe(), props.livenessPath(), port, ports, problems, false);

        Map<String, String> env = new LinkedHashMap<>();
        List<String> secretRefs = new ArrayList<>();
        for (EnvFromSource from : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
            if (from.getConfigMapRef() != null) {
                Optional<ConfigMap> cm = manifests.configMap(from.getConfigMapRef().getName());
                if (cm.isEmpty()) {
                    problems.add(where + ": envFrom names ConfigMap " + from.getConfigMapRef().getName() + ", not in k8s/");
                    continue;
                }
                Map<String, String> data = Optional.ofNullable(cm.get().getData()).orElse(Map.of());
                if (data.containsKey(ServiceProperties.envName(TOKEN_SECRET))) {
                    problems.add("ConfigMap " + cm.get().getMetadata().getName() + " holds PAPA_TOKEN_SECRET: it belongs in "
                            + "the Secret " + SECRET_NAME);
                }
                env.putAll(data);
            }
            if (from.getSecretRef() != null) {
                problems.add(where + ": envFrom a whole Secret; reference single keys (secretKeyRef) instead");
            }
        }
        for (EnvVar var : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
            env.put(var.getName(), var.getValue());
            SecretKeySelector ref = var.getValueFrom() == null ? null : var.getValueFrom().getSecretKeyRef();
            if (ref != null) {
                secretRefs.add(var.getName());
                if (!SECRET_NAME.equals(ref.getName()) || !SECRET_KEY.equals(ref.getKey())) {
                    problems.add(where + ": " + var.getName() + " should come from Secret " + SECRET_NAME + " key " + SECRET_KEY);
                }
            }
        }
        checkEnvironment(where, env, props, port, problems);
        for (String key : requiredKeys(props)) {
            if (!env.containsKey(ServiceProperties.envName(key))) {
                problems.add(where + " does not set " + ServiceProperties.envName(key) + " (" + key + " of " + props.source() + ")");
            }
        }
        if (props.declares(TOKEN_SECRET) && !secretRefs.contains(ServiceProperties.envName(TOKEN_SECRET))) {
            problems.add(where + ": PAPA_TOKEN_SECRET must be a secretKeyRef to " + SECRET_NAME + "/" + SECRET_KEY);
        }
        String bootstrap = env.get(ServiceProperties.envName(BOOTSTRAP));
        if (bootstrap != null && !kafkaBootstrapAddresses().contains(bootstrap)) {
            problems.add(where + ": KAFKA_BOOTSTRAP_SERVERS " + bootstrap + " is not the bootstrap service of the Strimzi "
                    + "cluster's plain listener (one of " + kafkaBootstrapAddresses() + ")");
        }

        Map<String, String> podLabels = Optional.ofNullable(workload.template().getMetadata().getLabels()).orElse(Map.of());
        Map<String, String> annotations =
                Optional.ofNullable(workload.template().getMetadata().getAnnotations()).orElse(Map.of());
        if (annotations.containsKey("prometheus.io/port") && !annotations.get("prometheus.io/port").equals(Integer.toString(port))) {
            problems.add(where + ": prometheus.io/port " + annotations.get("prometheus.io/port") + ", the service listens on " + port);
        }
        if (annotations.containsKey("prometheus.io/path") && !annotations.get("prometheus.io/path").equals(props.metricsPath())) {
            problems.add(where + ": prometheus.io/path " + annotations.get("prometheus.io/path") + ", the service's metrics are at "
                    + props.metricsPath());
        }
        if (container.getResources() == null || !hasCpuAndMemory(container.getResources().getRequests())
                || !hasCpuAndMemory(container.getResources().getLimits())) {
            problems.add(where + ": needs cpu and memory requests and limits");
        }
        PodSecurityContext podSecurity = workload.template().getSpec().getSecurityContext();
        boolean nonRoot = (podSecurity != null && Boolean.TRUE.equals(podSecurity.getRunAsNonRoot()))
                || (container.getSecurityContext() != null && Boolean.TRUE.equals(container.getSecurityContext().getRunAsNonRoot()));
        if (!nonRoot) {
            problems.add(where + ": should set runAsNonRoot: true");
        }

        Optional<Manifests.Manifest> svc = manifests.find("Service", name);
        if (svc.isEmpty()) {
            problems.add("k8s/ has no Service named " + name);
        } else {
            Service s = (Service) svc.get().object();
            if (!selects(s.getSpec().getSelector(), podLabels)) {
                problems.add(svc.get() + ": selector " + s.getSpec().getSelector() + " does not select the pods of " + where);
            }
            List<ServicePort> servicePorts = Optional.ofNullable(s.getSpec().getPorts()).orElse(List.of());
            boolean reaches = servicePorts.stream().anyMatch(p -> Objects.equals(p.getPort(), port)
                    && Objects.equals(resolvePort(p.getTargetPort() == null ? new IntOrString(p.getPort()) : p.getTargetPort(), ports),
                            port));
            if (!reaches) {
                problems.add(svc.get() + ": no port " + port + " that reaches the container's port " + port);
            }
        }
        if (workload.manifest().object() instanceof StatefulSet sts) {
            String governing = sts.getSpec().getServiceName();
            Optional<Manifests.Manifest> headless = governing == null ? Optional.empty() : manifests.find("Service", governing);
            if (headless.isEmpty() || !"None".equals(((Service) headless.get().object()).getSpec().getClusterIP())) {
                problems.add(where + ": serviceName " + governing + " should name a headless Service in k8s/");
            }
        }
        Optional<Manifests.Manifest> pdb = manifests.find("PodDisruptionBudget", name);
        if (pdb.isEmpty()) {
            problems.add("k8s/ has no PodDisruptionBudget named " + name);
        } else if (!selects(((PodDisruptionBudget) pdb.get().object()).getSpec().getSelector(), podLabels)) {
            problems.add(pdb.get() + ": its selector does not select the pods of " + where);
        }
        checkScaledObjects(workload, env, props, problems);
    }

    private void checkScaledObjects(Manifests.Workload workload, Map<String, String> env, ServiceProperties props,
            List<String> problems) {
        for (Manifests.Manifest scaled : manifests.ofKind("ScaledObject")) {
            JsonNode spec = scaled.tree().path("spec");
            if (!workload.manifest().name().equals(spec.path("scaleTargetRef").path("name").asText())) {
                continue;
            }
            for (JsonNode trigger : spec.path("triggers")) {
                if (!"kafka".equals(trigger.path("type").asText())) {
                    continue;
                }
                JsonNode md = trigger.path("metadata");
                String groupEnv = ServiceProperties.envName(TRAINER_GROUP);
                String group = env.containsKey(groupEnv) ? env.get(groupEnv) : props.value(TRAINER_GROUP).orElse(null);
                if (!props.declares(TRAINER_GROUP)) {
                    problems.add(scaled + " scales on a consumer group, but " + props.source() + " declares no " + TRAINER_GROUP);
                } else if (!md.path("consumerGroup").asText().equals(group)) {
                    problems.add(scaled + ": consumerGroup " + md.path("consumerGroup").asText() + ", the service's group is " + group);
                }
                String topicEnv = ServiceProperties.envName("papa.topics.preferences");
                String topic = env.containsKey(topicEnv) ? env.get(topicEnv) : props.value("papa.topics.preferences").orElse(null);
                if (!md.path("topic").asText().equals(topic)) {
                    problems.add(scaled + ": topic " + md.path("topic").asText() + ", the service consumes " + topic);
                }
                String bootstrap = env.get(ServiceProperties.envName(BOOTSTRAP));
                if (!md.path("bootstrapServers").asText().equals(bootstrap)) {
                    problems.add(scaled + ": bootstrapServers " + md.path("bootstrapServers").asText() + ", the service uses "
                            + bootstrap);
                }
            }
        }
    }

    private void checkProbe(String where, String kind, Probe probe, String path, int port, List<ContainerPort> ports,
            List<String> problems, boolean required) {
        if (probe == null) {
            if (required) {
                problems.add(where + ": no " + kind + " probe");
            }
            return;
        }
        HTTPGetAction get = probe.getHttpGet();
        if (get == null) {
            problems.add(where + ": the " + kind + " probe should be an HTTP GET on " + path);
            return;
        }
        if (!path.equals(get.getPath())) {
            problems.add(where + ": " + kind + " probe on " + get.getPath() + ", the service's endpoint is " + path);
        }
        if (!Objects.equals(resolvePort(get.getPort(), ports), port)) {
            problems.add(where + ": " + kind + " probe on port " + get.getPort() + ", the service listens on " + port);
        }
    }

    /** The addresses of the Strimzi cluster's plain (non-TLS) internal listeners. */
    private List<String> kafkaBootstrapAddresses() {
        List<String> out = new ArrayList<>();
        for (Manifests.Manifest kafka : manifests.ofKind("Kafka")) {
            String name = kafka.name();
            for (JsonNode listener : kafka.tree().path("spec").path("kafka").path("listeners")) {
                if (!listener.path("tls").asBoolean(false)) {
                    int p = listener.path("port").asInt();
                    String service = name + "-kafka-bootstrap";
                    out.add(service + ":" + p);
                    out.add(service + "." + namespace() + ".svc:" + p);
                    out.add(service + "." + namespace() + ".svc.cluster.local:" + p);
                }
            }
        }
        return out;
    }

    private static String namespace() {
        JsonNode kustomization = Yaml.single(Repo.path(Manifests.DIR + "/" + Manifests.KUSTOMIZATION));
        return kustomization.path("namespace").asText("default");
    }

    // ---- deploy/*.Dockerfile ---------------------------------------------------------------------

    private void checkDockerfile(String service, ServiceProperties props, int port, List<String> problems) {
        String file = dockerfileOf(service);
        if (!Files.isRegularFile(Repo.path(file))) {
            problems.add(file + " is missing");
            return;
        }
        Dockerfile docker = Dockerfile.read(file);
        String from = docker.all("FROM").isEmpty() ? "" : docker.all("FROM").get(0);
        if (!from.startsWith("eclipse-temurin:17-jre")) {
            problems.add(file + ": FROM " + from + ", expected a Java 17 JRE base (eclipse-temurin:17-jre)");
        }
        String user = docker.last("USER");
        if (user == null || user.equals("root") || user.equals("0") || user.startsWith("0:") || user.startsWith("root:")) {
            problems.add(file + ": the image must run as a non-root USER, has " + user);
        }
        String app = "services/" + service + "/target/quarkus-app/";
        for (String part : List.of("lib/", "*.jar", "app/", "quarkus/")) {
            boolean copied = docker.copies().stream().anyMatch(c -> c.subList(0, c.size() - 1).contains(app + part));
            if (!copied) {
                problems.add(file + ": does not COPY " + app + part + " (the Quarkus fast-jar)");
            }
        }
        String entry = docker.last("ENTRYPOINT") + " " + docker.last("CMD");
        if (!entry.contains("quarkus-run.jar")) {
            problems.add(file + ": ENTRYPOINT/CMD should run quarkus-run.jar");
        }
        if (docker.all("EXPOSE").stream().noneMatch(e -> List.of(e.split("\\s+")).contains(Integer.toString(port)))) {
            problems.add(file + ": EXPOSE " + docker.all("EXPOSE") + ", the service listens on " + port);
        }
        String health = docker.last("HEALTHCHECK");
        if (health == null || !health.contains(props.livenessPath())
                || !(health.contains("/" + port + " ") || health.contains(":" + port + "/") || health.contains("/" + port + "\""))) {
            problems.add(file + ": HEALTHCHECK should call " + props.livenessPath() + " on port " + port + ", is " + health);
        }
        Map<String, String> env = docker.env();
        checkEnvironment(file, env, props, port, problems);
        if (props.declares(BASE_MODEL)) {
            String model = MODELS_DIR + fileName(props.value(BASE_MODEL).orElse(""));
            String source = "models/" + fileName(props.value(BASE_MODEL).orElse(""));
            boolean copied = docker.copies().stream().anyMatch(c -> c.size() == 2 && c.get(0).equals(source)
                    && (c.get(1).equals(model) || c.get(1).equals(MODELS_DIR)));
            if (!copied) {
                problems.add(file + ": should COPY " + source + " " + model + " (the base model, " + BASE_MODEL + ")");
            }
            if (!"true".equals(env.get("DJL_OFFLINE"))) {
                problems.add(file + ": should set DJL_OFFLINE=true (no download at start)");
            }
            if (env.get("DJL_CACHE_DIR") == null || !env.get("DJL_CACHE_DIR").startsWith("/tmp/")) {
                problems.add(file + ": DJL_CACHE_DIR should be under /tmp (writable, an emptyDir in k8s), is "
                        + env.get("DJL_CACHE_DIR"));
            }
        }
        for (List<String> copy : docker.copies()) {
            for (String source : copy.subList(0, copy.size() - 1)) {
                if (!dockerContextIncludes(source)) {
                    problems.add(".dockerignore excludes " + source + ", which " + file + " copies");
                }
            }
        }
    }

    /**
     * Whether .dockerignore (exclude-all plus !exceptions, as written here) lets a COPY source in,
     * for every builder: an exception with a wildcard in its folder part counts as none.
     */
    private static boolean dockerContextIncludes(String source) {
        Path ignore = Repo.path(".dockerignore");
        if (!Files.isRegularFile(ignore)) {
            return true;
        }
        List<String> lines = Repo.read(ignore).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        if (!lines.contains("*") && !lines.contains("**")) {
            return true;
        }
        // A wildcard source (*.jar) is matched as written: '*' in a pattern matches it like any name.
        String path = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
        for (String line : lines) {
            if (!line.startsWith("!")) {
                continue;
            }
            String pattern = line.substring(1);
            pattern = pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
            if (pattern.contains("/") && pattern.substring(0, pattern.lastIndexOf('/')).matches(".*[*?\\[].*")) {
                // docker-compose v1 (docker-py) never re-includes through a wildcard folder.
                continue;
            }
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            for (Path p = Path.of(path); p != null; p = p.getParent()) {
                if (matcher.matches(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- deploy/prometheus.yml ----------------------------------------------------------------------

    private void checkPrometheus(String service, ServiceProperties props, int port, List<String> problems) {
        Path file = Repo.path("deploy/prometheus.yml");
        if (!Files.isRegularFile(file)) {
            problems.add("deploy/prometheus.yml is missing");
            return;
        }
        String target = service + ":" + port;
        boolean scraped = false;
        for (JsonNode job : Yaml.single(file).path("scrape_configs")) {
            for (JsonNode sc : job.path("static_configs")) {
                for (JsonNode t : sc.path("targets")) {
                    if (t.asText().equals(target)) {
                        scraped = true;
                        String path = job.path("metrics_path").asText("/metrics");
                        if (!path.equals(props.metricsPath())) {
                            problems.add("deploy/prometheus.yml job " + job.path("job_name").asText() + " scrapes " + path
                                    + ", the service's metrics are at " + props.metricsPath());
                        }
                    }
                }
            }
        }
        if (!scraped) {
            problems.add("deploy/prometheus.yml does not scrape " + target);
        }
    }

    // ---- shared ------------------------------------------------------------------------------------

    /** The contract keys the service declares that the deployment must set explicitly. */
    private static List<String> requiredKeys(ServiceProperties props) {
        List<String> keys = new ArrayList<>();
        for (String key : List.of(BOOTSTRAP, TOKEN_SECRET, BASE_MODEL)) {
            if (props.declares(key)) {
                keys.add(key);
            }
        }
        TOPIC_PROPERTIES.keySet().stream().filter(props::declares).sorted().forEach(keys::add);
        return keys;
    }

    /** Every PAPA_* / KAFKA_* variable must set a property the service declares, to a value that fits. */
    private static void checkEnvironment(String where, Map<String, String> env, ServiceProperties props, int port,
            List<String> problems) {
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (name.equals("QUARKUS_HTTP_PORT") && value != null && !value.equals(Integer.toString(port))) {
                problems.add(where + ": QUARKUS_HTTP_PORT=" + value + " but the deployment uses port " + port);
            }
            if (!CHECKED_ENV.matcher(name).matches()) {
                continue;
            }
            Optional<String> key = props.keyForEnv(name);
            if (key.isEmpty()) {
                problems.add(where + " sets " + name + ", which maps to no property of " + props.source()
                        + " (renamed or removed?)");
                continue;
            }
            String topic = TOPIC_PROPERTIES.get(key.get());
            if (topic != null && !topic.equals(value)) {
                problems.add(where + ": " + name + "=" + value + ", the topic is " + topic + " (PapaTopics)");
            }
            if (key.get().equals(BASE_MODEL)) {
                String expected = MODELS_DIR + fileName(props.value(BASE_MODEL).orElse(""));
                if (!expected.equals(value)) {
                    problems.add(where + ": " + name + "=" + value + ", the image holds the base model at " + expected);
                }
            }
        }
    }

    private static boolean hasCpuAndMemory(Map<String, Quantity> resources) {
        return resources != null && resources.containsKey("cpu") && resources.containsKey("memory");
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        return selector != null && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty())
                && selects(selector.getMatchLabels(), labels);
    }

    /** A port given as a number or as the name of a container port. */
    static Integer resolvePort(IntOrString port, List<ContainerPort> ports) {
        if (port == null) {
            return null;
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return ports.stream().filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElse(null);
    }

    static String imageRepository(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        String last = withoutDigest.substring(withoutDigest.lastIndexOf('/') + 1);
        return last.contains(":") ? last.substring(0, last.indexOf(':')) : last;
    }

    private static String fileName(String path) {
        return path.substring(path.replace('\\', '/').lastIndexOf('/') + 1);
    }
}
