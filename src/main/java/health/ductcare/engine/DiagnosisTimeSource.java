package health.ductcare.engine;

public enum DiagnosisTimeSource {
    RECORDED_DATE, ASSERTED_DATE, ONSET_DATE_TIME, RECEIVED
}
