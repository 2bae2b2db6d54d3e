package health.ductcare.reliability;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import health.ductcare.rest.Readiness;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * When the database cannot serve a request (here: every pooled connection is taken, so none comes free within the
 * acquisition timeout), the client gets 503 with a transient OperationOutcome and Retry-After, not 500, nothing
 * is stored, and the service answers normally once connections are free again. It takes the connections of the
 * shared test application's pool rather than starting one with a small pool: a third application instance in the
 * test JVM exhausted its heap.
 */
@QuarkusTest
class DatabaseUnavailableTest {

    private static final String FHIR_JSON = "application/fhir+json";

    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "quarkus.datasource.jdbc.max-size")
    int poolSize;

    @Test
    void aRequestThatGetsNoConnectionIsAnswered503AndStoresNothing() throws Exception {
        Readiness.await();
        String id = "outage-" + UUID.randomUUID();
        String patient = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"gender\":\"female\"}";
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < poolSize; i++) {
                held.add(dataSource.getConnection());
            }
            given().contentType(FHIR_JSON).accept(FHIR_JSON).body(patient).when().put("/fhir/Patient/" + id)
                    .then().statusCode(503)
                    .header("Retry-After", equalTo("10"))
                    .body("resourceType", equalTo("OperationOutcome"))
                    .body("issue[0].code", equalTo("transient"))
                    .body("issue[0].diagnostics", containsString("nothing was stored"));
            // Reads and searches outside a transaction take their own connection, past Hibernate: they too are
            // answered 503, not 500.
            for (String path : new String[] {"/fhir/Patient/" + id, "/fhir/Patient?_id=" + id,
                    "/fhir/Patient/" + id + "/$everything"}) {
                given().accept(FHIR_JSON).when().get(path)
                        .then().statusCode(503)
                        .header("Retry-After", equalTo("10"))
                        .body("issue[0].code", equalTo("transient"));
            }
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + id).then().statusCode(404);
        given().contentType(FHIR_JSON).accept(FHIR_JSON).body(patient).when().put("/fhir/Patient/" + id)
                .then().statusCode(201);
    }
}
