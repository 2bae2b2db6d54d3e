package health.ductcare.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HAPI's own generic client, unchanged and without special-casing, against the service. */
@QuarkusTest
class GenericClientTest {

    @TestHTTPResource("/fhir")
    URL base;

    private IGenericClient client;

    @BeforeEach
    void connect() throws InterruptedException {
        Readiness.await();
        FhirContext context = FhirContext.forR4Cached();
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.ONCE);
        context.getRestfulClientFactory().setSocketTimeout(60_000);
        client = context.newRestfulGenericClient(base.toString());
    }

    @Test
    void capabilityStatement() {
        CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();
        assertThat(statement.getFhirVersion()).isEqualTo(Enumerations.FHIRVersion._4_0_1);
    }

    @Test
    void createReadVreadUpdateDeleteHistory() {
        Patient patient = new Patient();
        patient.addName().setFamily("Clientmother").addGiven("Clara");
        patient.setGender(Enumerations.AdministrativeGender.FEMALE);
        MethodOutcome created = client.create().resource(patient).execute();
        assertThat(created.getCreated()).isTrue();
        IdType id = (IdType) created.getId();
        assertThat(id.getVersionIdPart()).isEqualTo("1");

        Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
        assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Clientmother");
        assertThat(read.getMeta().getVersionId()).isEqualTo("1");

        read.getNameFirstRep().setFamily("Clientmother-Updated");
        MethodOutcome updated = client.update().resource(read).execute();
        assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

        Patient first = client.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "1").execute();
        assertThat(first.getNameFirstRep().getFamily()).isEqualTo("Clientmother");

        // The client sends If-Match for a versioned id; version 1 is stale now, so nothing may change.
        Patient stale = first.copy();
        stale.setId(new IdType("Patient", id.getIdPart(), "1"));
        stale.getNameFirstRep().setFamily("Lost-Update");
        assertThatThrownBy(() -> client.update().resource(stale).execute())
                .isInstanceOf(PreconditionFailedException.class);

        Bundle history = client.history().onInstance(id.toVersionless()).returnBundle(Bundle.class).execute();
        assertThat(history.getEntry()).hasSize(2);

        client.delete().resourceById(id.toVersionless()).execute();
        assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id.getIdPart()).execute())
                .isInstanceOf(ResourceGoneException.class);
    }

    @Test
    void invalidResourceRaisesUnprocessableEntityWithOutcome() {
        org.hl7.fhir.r4.model.Condition noSubject = new org.hl7.fhir.r4.model.Condition();
        noSubject.getCode().setText("no subject");
        assertThatThrownBy(() -> client.create().resource(noSubject).execute())
                .isInstanceOf(UnprocessableEntityException.class);
    }

    @Test
    void xmlClientWorksToo() {
        client.setEncoding(ca.uhn.fhir.rest.api.EncodingEnum.XML);
        Patient patient = new Patient();
        patient.addName().setFamily("Xmlclient");
        IdType id = (IdType) client.create().resource(patient).execute().getId();
        Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
        assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Xmlclient");
    }
}
