package health.ductcare.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;

import health.ductcare.observability.CarePlanMetrics;
import health.ductcare.rest.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Health, Prometheus metrics, the access log and the correlation id, all over HTTP. */
@QuarkusTest
class OperabilityTest {

    private static final String FHIR_JSON = "application/fhir+json";

    @Inject
    CarePlanMetrics carePlanMetrics;

    private final List<String> accessLines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            Object[] parameters = record.getParameters();
            String message = record.getMessage();
            if (parameters != null && parameters.length > 0) {
                message = String.format(message, parameters);
            }
            accessLines.add(message);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureAccessLog() {
        awaitReady();
        Logger.getLogger("health.ductcare.access").addHandler(capture);
    }

    @AfterEach
    void stopCapture() {
        Logger.getLogger("health.ductcare.access").removeHandler(capture);
    }

    @Test
    void livenessIsUp() {
        given().when().get("/q/health/live")
                .then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessCoversDatabaseMigrationsAndValidator() {
        awaitReady().then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("fhir-validator"))
                .body("checks.name", hasItem("database-migrations"))
                .body("checks.find { it.name == 'database-migrations' }.data.pending", equalTo(0))
                .body("checks.name", hasItem("Database connections health check"));
    }

    @Test
    void metricsCountFhirInteractionsByTypeAndStatus() {
        String id = given().contentType(FHIR_JSON).body(Fixtures.load("patient.json"))
                .when().post("/fhir/Patient").then().statusCode(201).extract().path("id");
        given().when().get("/fhir/Patient/" + id).then().statusCode(200);
        given().when().get("/fhir/Patient/does-not-exist-" + System.nanoTime()).then().statusCode(404);
        given().contentType(FHIR_JSON).body("{\"resourceType\":\"Condition\"}")
                .when().post("/fhir/Condition").then().statusCode(422);
        given().when().get("/fhir/metadata").then().statusCode(200);

        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(metrics)
                .containsPattern("ductcare_fhir_requests_seconds_count\\{[^}]*interaction=\"create\"[^}]*type=\"Patient\"")
                .containsPattern("ductcare_fhir_requests_seconds_count\\{[^}]*interaction=\"read\"[^}]*status=\"4xx\"[^}]*type=\"Patient\"")
                .containsPattern("ductcare_fhir_requests_seconds_bucket\\{[^}]*interaction=\"read\"")
                .containsPattern("ductcare_fhir_requests_seconds_count\\{[^}]*interaction=\"capabilities\"")
                .containsPattern("ductcare_validation_failures_total [1-9]")
                .containsPattern("ductcare_audit_dropped_total 0\\.0")
                .containsPattern("ductcare_audit_queue_size [0-9]")
                .contains("agroal_")
                .doesNotContain(id);
    }

    @Test
    void carePlansAreCountedByResultingStatus() {
        carePlanMetrics.recordPlan("active");
        carePlanMetrics.recordPlan("not-a-status");
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .containsPattern("ductcare_careplans_generated_total\\{status=\"active\"} [1-9]")
                .containsPattern("ductcare_careplans_generated_total\\{status=\"other\"} [1-9]");
    }

    @Test
    void requestIdIsEchoedOrGenerated() {
        given().header("X-Request-ID", "trace-42").when().get("/fhir/metadata")
                .then().statusCode(200).header("X-Request-ID", equalTo("trace-42"));
        given().when().get("/fhir/metadata")
                .then().statusCode(200).header("X-Request-ID", matchesPattern("[0-9a-f\\-]{36}"));
    }

    @Test
    void accessLogHasOneTemplatedLineWithoutPatientData() {
        String body = Fixtures.load("patient.json").replace("Testmother", "Zyxwvutsmother");
        String id = given().header("X-Request-ID", "log-test-1").contentType(FHIR_JSON).body(body)
                .when().post("/fhir/Patient").then().statusCode(201).extract().path("id");
        given().header("X-Request-ID", "log-test-2").when().get("/fhir/Patient/" + id).then().statusCode(200);
        given().header("X-Request-ID", "log-test-3").queryParam("family", "Zyxwvutsmother")
                .when().get("/fhir/Patient");

        assertThat(accessLines).filteredOn(line -> line.contains("requestId=log-test-1")).singleElement()
                .satisfies(line -> assertThat(line).startsWith("POST /fhir/{type} 201 ")
                        .contains("interaction=create type=Patient"));
        assertThat(accessLines).filteredOn(line -> line.contains("requestId=log-test-2")).singleElement()
                .satisfies(line -> assertThat(line).startsWith("GET /fhir/{type}/{id} 200 ")
                        .contains("interaction=read"));
        assertThat(accessLines).filteredOn(line -> line.contains("requestId=log-test-3")).hasSize(1);
        assertThat(accessLines).noneMatch(line -> line.contains("Zyxwvutsmother") || line.contains(id)
                || line.contains("MRN-0001") || line.contains("Anna"));
    }

    /** The validator warms up in the background (seconds, a minute on a busy machine); writes wait for it. */
    private static Response awaitReady() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
        Response response;
        do {
            response = given().when().get("/q/health/ready");
        } while (response.statusCode() != 200 && Instant.now().isBefore(deadline) && pause());
        return response;
    }

    private static boolean pause() {
        try {
            Thread.sleep(500);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
