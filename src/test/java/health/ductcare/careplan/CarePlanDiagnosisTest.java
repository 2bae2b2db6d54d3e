package health.ductcare.careplan;

import static health.ductcare.careplan.CarePlanFlowTest.blockedDuct;
import static health.ductcare.careplan.CarePlanFlowTest.cephalexin;
import static health.ductcare.careplan.CarePlanFlowTest.mastitis;
import static health.ductcare.careplan.CarePlanFlowTest.newPatient;
import static health.ductcare.careplan.CarePlanFlowTest.post;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import health.ductcare.fhir.FhirValidation;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.UUID;
import org.hl7.fhir.r4.model.CarePlan;
import org.junit.jupiter.api.Test;

/** What the diagnosis says decides whether the protocol applies, over HTTP. */
@QuarkusTest
class CarePlanDiagnosisTest {

    private static final String FHIR_JSON = "application/fhir+json";

    @Inject
    FhirValidation validation;

    @Inject
    FhirContext context;

    /** A lactational breast abscess (SNOMED US 10745131000119107, ICD-10-CM O91.13) as its own Condition. */
    private static String abscess(String patientId, String clinicalStatus, String verificationStatus) {
        return mastitis(patientId, "2025-03-04T09:00:00Z", clinicalStatus)
                .replace("\"code\":\"1287638006\"", "\"code\":\"10745131000119107\"")
                .replace("\"code\":\"O91.23\"", "\"code\":\"O91.13\"")
                .replace("\"code\":\"confirmed\"", "\"code\":\"" + verificationStatus + "\"");
    }

    private static String withId(String body, String id) {
        return body.replaceFirst("\\{\"resourceType\":\"Condition\",", "{\"resourceType\":\"Condition\",\"id\":\"" + id + "\",");
    }

    private JsonPath plan(String conditionId) {
        String json = given().when().get("/fhir/CarePlan/careplan-" + conditionId).then().statusCode(200)
                .extract().asString();
        CarePlan plan = context.newJsonParser().parseResource(CarePlan.class, json);
        assertThat(validation.validate(plan).getMessages())
                .filteredOn(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .isEmpty();
        return new JsonPath(json);
    }

    private static String start(JsonPath plan, String activityKey) {
        return plan.getString("activity.find { it.extension[0].valueString == '" + activityKey
                + "' }.detail.scheduledPeriod.start");
    }

    @Test
    void anAbscessRecordedAsItsOwnConditionStopsThePatientsPlansUntilItIsResolved() {
        String patient = newPatient();
        String blocked = post("Condition", blockedDuct(patient, "2025-03-03T10:00:00Z"));
        String mastitisCondition = post("Condition", mastitis(patient, "2025-03-03T11:00:00Z", "active"));
        post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z"));
        JsonPath before = plan(blocked);
        assertThat(before.getString("status")).isEqualTo("active");
        assertThat(plan(mastitisCondition).getString("status")).isEqualTo("active");

        String abscess = post("Condition", abscess(patient, "active", "confirmed"));
        for (String condition : new String[] {blocked, mastitisCondition}) {
            JsonPath stopped = plan(condition);
            assertThat(stopped.getString("status")).isEqualTo("revoked");
            assertThat(stopped.getString("note.text.join(' ')")).contains("Condition/" + abscess).contains("refer");
        }
        // No abscess plan is made, and an antibiotic arriving meanwhile does not restart therapy.
        given().when().get("/fhir/CarePlan/careplan-" + abscess).then().statusCode(404);
        post("MedicationRequest", cephalexin(patient, "2025-03-04T12:00:00Z"));
        assertThat(plan(blocked).getString("status")).isEqualTo("revoked");
        String diagnosedMeanwhile = post("Condition", blockedDuct(patient, "2025-03-04T10:00:00Z"));
        given().when().get("/fhir/CarePlan/careplan-" + diagnosedMeanwhile).then().statusCode(404);

        given().contentType(FHIR_JSON).body(withId(abscess(patient, "resolved", "confirmed"), abscess))
                .when().put("/fhir/Condition/" + abscess).then().statusCode(200);
        JsonPath resumed = plan(blocked);
        assertThat(resumed.getString("status")).isEqualTo("active");
        assertThat(start(resumed, "s1-ultrasound")).isEqualTo(start(before, "s1-ultrasound"));
        assertThat(plan(mastitisCondition).getString("status")).isEqualTo("active");
        assertThat(plan(diagnosedMeanwhile).getString("status")).isEqualTo("active");
    }

    @Test
    void anAbscessKnownOnlyByACodeBranchOfTheProtocolStopsThePatientsPlans() {
        String patient = newPatient();
        String blocked = post("Condition", blockedDuct(patient, "2025-03-03T10:00:00Z"));
        assertThat(plan(blocked).getString("status")).isEqualTo("active");

        // ICD-10-CM O91.111 is in the protocol's abscess set only through its prefix O91.11.
        String abscess = post("Condition", mastitis(patient, "2025-03-04T09:00:00Z", "active")
                .replace("\"code\":\"O91.23\"", "\"code\":\"O91.111\""));

        JsonPath stopped = plan(blocked);
        assertThat(stopped.getString("status")).isEqualTo("revoked");
        assertThat(stopped.getString("note.text.join(' ')")).contains("Condition/" + abscess).contains("O91.111");
        // Later writes find the stored abscess among her Conditions by that prefix.
        String diagnosedLater = post("Condition", blockedDuct(patient, "2025-03-05T10:00:00Z"));
        given().when().get("/fhir/CarePlan/careplan-" + diagnosedLater).then().statusCode(404);
        post("MedicationRequest", cephalexin(patient, "2025-03-05T12:00:00Z"));
        assertThat(plan(blocked).getString("status")).isEqualTo("revoked");
    }

    @Test
    void anAbscessEnteredInErrorOrDeletedLetsTheBlockedDuctPlanGoOn() {
        String patient = newPatient();
        String blocked = post("Condition", blockedDuct(patient, "2025-03-03T10:00:00Z"));

        String mistaken = post("Condition", abscess(patient, "active", "confirmed"));
        assertThat(plan(blocked).getString("status")).isEqualTo("revoked");
        // R4 (con-5): a Condition entered in error carries no clinical status.
        String enteredInError = abscess(patient, "active", "entered-in-error")
                .replaceFirst("\"clinicalStatus\":\\{[^}]*\\}\\]\\},", "");
        given().contentType(FHIR_JSON).body(withId(enteredInError, mistaken))
                .when().put("/fhir/Condition/" + mistaken).then().statusCode(200);
        assertThat(plan(blocked).getString("status")).isEqualTo("active");

        String deleted = post("Condition", abscess(patient, "active", "confirmed"));
        assertThat(plan(blocked).getString("status")).isEqualTo("revoked");
        given().when().delete("/fhir/Condition/" + deleted).then().statusCode(200);
        assertThat(plan(blocked).getString("status")).isEqualTo("active");
    }

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
