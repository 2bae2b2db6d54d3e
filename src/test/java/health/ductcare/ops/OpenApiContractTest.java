package health.ductcare.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.ws.rs.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * openapi/openapi.yaml is the whole truth: /q/openapi serves it, every route it lists is routed by the service
 * (a harmless request is neither 405 nor a "no such endpoint" 404), and every JAX-RS route of the service is in
 * it. Routes still being built on other branches are listed in ops/openapi-pending-routes.txt and skipped.
 */
@QuarkusTest
class OpenApiContractTest {

    private static final Path CONTRACT = Path.of("openapi", "openapi.yaml");
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final String MISSING_ID = "contract-probe-missing";

    @Test
    void servesTheHandWrittenContract() throws IOException {
        String yaml = Files.readString(CONTRACT);
        given().when().get("/q/openapi").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("title: DuctCare FHIR R4 API"));
        Map<String, Object> paths = contractPaths();
        assertThat(paths).isNotEmpty();
        assertThat(paths.keySet()).allSatisfy(path -> assertThat(yaml).contains("\n  " + path + ":"));
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void everyContractRouteIsRouted() {
        Set<String> pending = pendingRoutes();
        List<String> unrouted = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String route : contractRoutes()) {
            if (pending.contains(route)) {
                skipped.add(route);
                continue;
            }
            String method = route.substring(0, route.indexOf(' '));
            String template = route.substring(route.indexOf(' ') + 1);
            Response response = probe(method, template);
            String body = response.asString();
            boolean noRoute = response.statusCode() == 405
                    || response.statusCode() == 404 && (body.contains("No such endpoint") || body.isBlank());
            if (noRoute) {
                unrouted.add(route + " -> " + response.statusCode());
            }
        }
        if (!skipped.isEmpty()) {
            System.out.println("OpenApiContractTest: not yet implemented on this branch, skipped (see "
                    + "src/test/resources/ops/openapi-pending-routes.txt): " + skipped);
        }
        assertThat(unrouted).as("routes in openapi/openapi.yaml that the service does not route").isEmpty();
    }

    @Test
    void everyServiceRouteIsInTheContract() throws IOException {
        Set<String> contract = contractRoutes().stream().map(OpenApiContractTest::normalized)
                .map(OpenApiContractTest::generalized)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> service = jaxRsRoutes();
        assertThat(service).as("JAX-RS routes found in target/classes").isNotEmpty();
        Set<String> missing = new TreeSet<>(service);
        missing.removeAll(contract);
        assertThat(missing).as("routes the service has but openapi/openapi.yaml lacks").isEmpty();
    }

    @Test
    void pendingListOnlyNamesContractRoutes() {
        assertThat(contractRoutes()).containsAll(pendingRoutes());
    }

    // ------------------------------------------------------------------ contract

    private static Map<String, Object> contractPaths() {
        JsonPath json = given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200).body("info.title", equalTo("DuctCare FHIR R4 API"))
                .extract().jsonPath();
        return json.getMap("paths");
    }

    @SuppressWarnings("unchecked")
    private static Set<String> contractRoutes() {
        Set<String> routes = new TreeSet<>();
        contractPaths().forEach((path, item) -> ((Map<String, Object>) item).keySet().stream()
                .filter(HTTP_METHODS::contains)
                .forEach(method -> routes.add(method.toUpperCase(Locale.ROOT) + " " + path)));
        return routes;
    }

    private static Set<String> pendingRoutes() {
        try (InputStream in = OpenApiContractTest.class.getResourceAsStream("/ops/openapi-pending-routes.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request that cannot change anything: unknown ids, empty bodies, a criteria that matches nothing. */
    private static Response probe(String method, String template) {
        String path = template.replace("{type}", "Patient").replace("{id}", MISSING_ID).replace("{vid}", "1");
        var request = given().redirects().follow(false);
        if (Set.of("POST", "PUT", "PATCH").contains(method)) {
            request = request.contentType("application/fhir+json").body("");
        }
        if (template.equals("/fhir/{type}") && Set.of("PUT", "DELETE").contains(method)) {
            request = request.queryParam("_id", MISSING_ID);
        }
        return request.when().request(method, path);
    }

    // ------------------------------------------------------------------ service

    /** METHOD + path of every resource method of the application's JAX-RS classes, templates normalized. */
    private static Set<String> jaxRsRoutes() throws IOException {
        Path classes = Path.of("target", "classes");
        Set<String> routes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replace('\\', '.')
                        .replaceAll("\\.class$", "");
                Class<?> type;
                try {
                    type = Class.forName(name, false, Thread.currentThread().getContextClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                jakarta.ws.rs.Path root = type.getAnnotation(jakarta.ws.rs.Path.class);
                if (root == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    String verb = httpMethod(method);
                    if (verb == null || verb.equals("HEAD") || verb.equals("OPTIONS")) {
                        continue;
                    }
                    jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                    String path = join(root.value(), sub == null ? "" : sub.value());
                    routes.add(normalized(verb + " " + path));
                }
            }
        }
        return routes;
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    private static String join(String root, String sub) {
        String path = ("/" + root + "/" + sub).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /**
     * The service routes operations generically ({@code /fhir/{type}/{operation}}); the contract documents each
     * concrete one ({@code /fhir/CarePlan/$generate}). A resource-type or {@code $operation} segment under /fhir
     * therefore stands for a template segment when service routes are looked up in the contract.
     */
    static String generalized(String normalizedRoute) {
        String[] parts = normalizedRoute.split(" ", 2);
        if (parts.length < 2 || !parts[1].startsWith("/fhir/") || !parts[1].contains("$")) {
            return normalizedRoute;
        }
        String[] segments = parts[1].split("/");
        for (int i = 2; i < segments.length; i++) {
            if (segments[i].startsWith("$") || (i == 2 && segments[i].matches("[A-Z][A-Za-z]+"))) {
                segments[i] = "{}";
            }
        }
        return parts[0] + " " + String.join("/", segments);
    }

    /** "{type: [A-Z][a-z]{1,63}}" and "{type}" both become "{}", so regex-constrained templates compare. */
    static String normalized(String route) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (char c : route.toCharArray()) {
            if (c == '{') {
                if (depth++ == 0) {
                    out.append("{}");
                }
            } else if (c == '}') {
                depth--;
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
