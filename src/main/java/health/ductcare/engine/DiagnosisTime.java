package health.ductcare.engine;

import java.time.Instant;
import java.util.Optional;

/** The instant the protocol clock starts, and which Condition element it came from. */
record DiagnosisTime(Instant time, DiagnosisTimeSource source) {

    static Optional<DiagnosisTime> of(DiagnosisInput dx) {
        if (dx.recordedDate() != null) {
            return Optional.of(new DiagnosisTime(dx.recordedDate(), DiagnosisTimeSource.RECORDED_DATE));
        }
        if (dx.assertedDate() != null) {
            return Optional.of(new DiagnosisTime(dx.assertedDate(), DiagnosisTimeSource.ASSERTED_DATE));
        }
        if (dx.onsetDateTime() != null) {
            return Optional.of(new DiagnosisTime(dx.onsetDateTime(), DiagnosisTimeSource.ONSET_DATE_TIME));
        }
        return Optional.ofNullable(dx.receivedAt()).map(t -> new DiagnosisTime(t, DiagnosisTimeSource.RECEIVED));
    }

    PlanNote note() {
        String element = switch (source) {
            case RECORDED_DATE -> "Condition.recordedDate";
            case ASSERTED_DATE -> "the assertedDate extension (no recordedDate)";
            case ONSET_DATE_TIME -> "Condition.onsetDateTime (no recordedDate or assertedDate; onset may be earlier than the diagnosis)";
            case RECEIVED -> "the time the service received the Condition (no recorded, asserted or onset date)";
        };
        return PlanNote.info(NoteCode.DIAGNOSIS_TIME_SOURCE, "Diagnosis time " + time + " taken from " + element + ".");
    }
}
