package health.ductcare.careplan;

import static health.ductcare.careplan.CarePlanFlowTest.blockedDuct;
import static health.ductcare.careplan.CarePlanFlowTest.newPatient;
import static health.ductcare.careplan.CarePlanFlowTest.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the diagnosis says decides whether the protocol applies, over HTTP. */
@QuarkusTest
class CarePlanDiagnosisTest {

    private static final String FHIR_JSON = "application/fhir+json";

    @Test
    void anAmbiguousCodeWhoseTextRulesTheBlockedDuctOutGetsNoPlanAndGenerateSaysWhy() {
        String patient = newPatient();
        String ruledOut = blockedDuct(patient, "2025-03-03T10:00:00Z")
                .replace("Blocked milk duct, left breast", "Engorgement, blocked duct ruled out");
        String condition = post("Condition", ruledOut);
        given().when().get("/fhir/CarePlan/careplan-" + condition).then().statusCode(404);

        String bundle = """
                {"resourceType":"Bundle","type":"collection","entry":[
                  {"fullUrl":"urn:uuid:%s","resource":%s}]}""".formatted(UUID.randomUUID(),
                blockedDuct(patient, "2025-03-03T10:00:00Z").replace("Blocked milk duct, left breast", "no plugged duct"));
        given().contentType(FHIR_JSON).body(bundle).when().post("/fhir/CarePlan/$generate")
                .then().statusCode(422)
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue.diagnostics.join(' ')", containsString("only negated or ruled out"));
    }
}
