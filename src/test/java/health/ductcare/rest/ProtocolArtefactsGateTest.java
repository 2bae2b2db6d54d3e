package health.ductcare.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The start-up gate on a plain Vert.x router in front of an echo route: FHIR requests wait for the protocol
 * artefacts, with their bodies intact, and get 503 if publishing fails; /metadata and non-FHIR paths never wait.
 */
class ProtocolArtefactsGateTest {

    private static final String OUTCOME = "{\"resourceType\":\"OperationOutcome\"}";

    private final AtomicBoolean published = new AtomicBoolean();
    private final CompletableFuture<Void> publication = new CompletableFuture<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private Vertx vertx;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(ProtocolArtefactsGate.holdUntilPublished(published::get, () -> publication, OUTCOME));
        router.route().handler(BodyHandler.create());
        router.route().handler(routingContext -> routingContext.response()
                .end(routingContext.request().method() + " " + routingContext.request().path() + " "
                        + (routingContext.body().isEmpty() ? "" : routingContext.body().asString())));
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    @AfterEach
    void stopServer() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void heldRequestsGoOnWithTheirBodiesOncePublished() throws Exception {
        CompletableFuture<HttpResponse<String>> read = send(HttpRequest.newBuilder(uri("/fhir/Patient/1")).GET());
        CompletableFuture<HttpResponse<String>> create = send(HttpRequest.newBuilder(uri("/fhir/Condition"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Condition\"}")));

        assertThat(send(HttpRequest.newBuilder(uri("/fhir/metadata")).GET()).get(10, TimeUnit.SECONDS).body())
                .isEqualTo("GET /fhir/metadata ");
        assertThat(send(HttpRequest.newBuilder(uri("/q/health/ready")).GET()).get(10, TimeUnit.SECONDS).body())
                .isEqualTo("GET /q/health/ready ");
        assertStillWaiting(read);
        assertStillWaiting(create);

        published.set(true);
        publication.complete(null);

        assertThat(read.get(10, TimeUnit.SECONDS).body()).isEqualTo("GET /fhir/Patient/1 ");
        HttpResponse<String> created = create.get(10, TimeUnit.SECONDS);
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.body()).isEqualTo("POST /fhir/Condition {\"resourceType\":\"Condition\"}");
        assertThat(send(HttpRequest.newBuilder(uri("/fhir/Patient/2")).GET()).get(10, TimeUnit.SECONDS).body())
                .isEqualTo("GET /fhir/Patient/2 ");
    }

    @Test
    void heldRequestsGet503WithATransientOutcomeWhenPublishingFails() throws Exception {
        CompletableFuture<HttpResponse<String>> read = send(HttpRequest.newBuilder(uri("/fhir/CarePlan")).GET());
        assertStillWaiting(read);

        publication.completeExceptionally(new IllegalStateException("the protocol did not load"));

        HttpResponse<String> answer = read.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).contains("5");
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/fhir+json");
        assertThat(answer.body()).isEqualTo(OUTCOME);
    }

    @Test
    void onlyPathsUnderTheFhirBaseOtherThanMetadataAreHeld() {
        assertThat(ProtocolArtefactsGate.isHeld("/fhir")).isTrue();
        assertThat(ProtocolArtefactsGate.isHeld("/fhir/")).isTrue();
        assertThat(ProtocolArtefactsGate.isHeld("/fhir/PlanDefinition")).isTrue();
        assertThat(ProtocolArtefactsGate.isHeld("/fhir/metadata")).isFalse();
        assertThat(ProtocolArtefactsGate.isHeld("/fhirx")).isFalse();
        assertThat(ProtocolArtefactsGate.isHeld("/q/health/ready")).isFalse();
        assertThat(ProtocolArtefactsGate.isHeld(null)).isFalse();
    }

    private CompletableFuture<HttpResponse<String>> send(HttpRequest.Builder request) {
        return client.sendAsync(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static void assertStillWaiting(CompletableFuture<HttpResponse<String>> answer) throws Exception {
        try {
            HttpResponse<String> early = answer.get(300, TimeUnit.MILLISECONDS);
            throw new AssertionError("answered before publication: " + early.statusCode() + " " + early.body());
        } catch (TimeoutException expected) {
            // still held
        }
    }
}
