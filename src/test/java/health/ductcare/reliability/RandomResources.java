package health.ductcare.reliability;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Random but structurally valid Patients, Conditions, MedicationRequests and Observations from a seed: the same
 * seed gives the same resources, so a failure names the seed that reproduces it.
 */
final class RandomResources {

    private static final String[] ALPHABETS = {"abcdefghijklmnopqrstuvwxyz", "ÄÖÜäöüßéèçñ", "中文字符", "<>&\"'",
            "0123456789", "😀🩺🍼"};
    private static final String[] CLINICAL_STATUS = {"active", "recurrence", "relapse", "inactive", "remission", "resolved"};
    private static final String[] TIME_ZONES = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata",
            "Pacific/Chatham"};

    private final Random random;

    RandomResources(long seed) {
        this.random = new Random(seed);
    }

    List<Resource> all() {
        return List.of(patient(), condition(), medicationRequest(), observation());
    }

    Patient patient() {
        Patient patient = new Patient();
        patient.setId(token());
        for (int i = random.nextInt(3); i > 0; i--) {
            patient.addIdentifier().setSystem("urn:ductcare:test:" + token()).setValue(text(12));
        }
        patient.setActive(random.nextBoolean());
        for (int i = 1 + random.nextInt(2); i > 0; i--) {
            patient.addName().setFamily(text(15)).addGiven(text(8)).addGiven(text(6));
        }
        patient.setGender(AdministrativeGender.values()[random.nextInt(4)]);
        patient.setBirthDateElement(new DateType(1950 + random.nextInt(60), random.nextInt(12), 1 + random.nextInt(28)));
        return patient;
    }

    Condition condition() {
        Condition condition = new Condition();
        condition.setId(token());
        condition.setClinicalStatus(concept("http://terminology.hl7.org/CodeSystem/condition-clinical",
                CLINICAL_STATUS[random.nextInt(CLINICAL_STATUS.length)]));
        condition.setCode(concept("http://snomed.info/sct", Long.toString(100000 + random.nextInt(900000))))
                .getCode().setText(text(30));
        condition.setSubject(new Reference("Patient/" + token()));
        condition.setOnset(dateTime());
        condition.setRecordedDateElement(dateTime());
        for (int i = random.nextInt(3); i > 0; i--) {
            condition.addNote(new Annotation().setText(text(80)));
        }
        return condition;
    }

    MedicationRequest medicationRequest() {
        MedicationRequest request = new MedicationRequest();
        request.setId(token());
        request.setStatus(MedicationRequest.MedicationRequestStatus.values()[random.nextInt(8)]);
        request.setIntent(MedicationRequest.MedicationRequestIntent.values()[random.nextInt(8)]);
        request.setMedication(concept("http://www.nlm.nih.gov/research/umls/rxnorm",
                Integer.toString(1000 + random.nextInt(900000))));
        request.setSubject(new Reference("Patient/" + token()));
        request.setAuthoredOnElement(dateTime());
        request.addDosageInstruction().setText(text(40)).addDoseAndRate().setDose(quantity("mg"));
        return request;
    }

    Observation observation() {
        Observation observation = new Observation();
        observation.setId(token());
        observation.setStatus(Observation.ObservationStatus.values()[random.nextInt(8)]);
        observation.setCode(concept("http://loinc.org", "8310-5"));
        observation.setSubject(new Reference("Patient/" + token()));
        observation.setEffective(dateTime());
        observation.setValue(quantity("Cel"));
        return observation;
    }

    private CodeableConcept concept(String system, String code) {
        return new CodeableConcept().addCoding(new Coding(system, code, random.nextBoolean() ? text(20) : null));
    }

    private Quantity quantity(String unit) {
        BigDecimal value = BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000L, random.nextInt(5));
        return new Quantity().setValue(value).setUnit(unit).setSystem("http://unitsofmeasure.org").setCode(unit);
    }

    private DateTimeType dateTime() {
        long millis = 1_500_000_000_000L + (long) (random.nextDouble() * 400_000_000_000L);
        TemporalPrecisionEnum precision = random.nextBoolean() ? TemporalPrecisionEnum.SECOND : TemporalPrecisionEnum.MILLI;
        return new DateTimeType(new Date(millis), precision,
                TimeZone.getTimeZone(TIME_ZONES[random.nextInt(TIME_ZONES.length)]));
    }

    private String token() {
        StringBuilder id = new StringBuilder();
        for (int i = 1 + random.nextInt(20); i > 0; i--) {
            id.append("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.".charAt(random.nextInt(64)));
        }
        return id.toString();
    }

    /** Letters from several scripts, XML/JSON specials and astral-plane emoji; no edge whitespace, no controls. */
    private String text(int maxLength) {
        StringBuilder text = new StringBuilder();
        int length = 1 + random.nextInt(maxLength);
        while (text.length() < length) {
            String alphabet = ALPHABETS[random.nextInt(ALPHABETS.length)];
            int at = random.nextInt(alphabet.codePointCount(0, alphabet.length()));
            text.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, at)));
            if (random.nextInt(6) == 0 && text.length() < length) {
                text.append(' ');
                text.append('x');
            }
        }
        return text.toString();
    }
}
