package org.portico.smart.discovery;

/** SMART App Launch 2.x capability strings for {@code .well-known/smart-configuration}. */
public final class Capability {

    public static final String LAUNCH_EHR = "launch-ehr";
    public static final String LAUNCH_STANDALONE = "launch-standalone";
    public static final String AUTHORIZE_POST = "authorize-post";
    public static final String CLIENT_PUBLIC = "client-public";
    public static final String CLIENT_CONFIDENTIAL_SYMMETRIC = "client-confidential-symmetric";
    public static final String CLIENT_CONFIDENTIAL_ASYMMETRIC = "client-confidential-asymmetric";
    public static final String SSO_OPENID_CONNECT = "sso-openid-connect";
    public static final String CONTEXT_BANNER = "context-banner";
    public static final String CONTEXT_STYLE = "context-style";
    public static final String CONTEXT_EHR_PATIENT = "context-ehr-patient";
    public static final String CONTEXT_EHR_ENCOUNTER = "context-ehr-encounter";
    public static final String CONTEXT_STANDALONE_PATIENT = "context-standalone-patient";
    public static final String CONTEXT_STANDALONE_ENCOUNTER = "context-standalone-encounter";
    public static final String PERMISSION_OFFLINE = "permission-offline";
    public static final String PERMISSION_ONLINE = "permission-online";
    public static final String PERMISSION_PATIENT = "permission-patient";
    public static final String PERMISSION_USER = "permission-user";
    public static final String PERMISSION_V1 = "permission-v1";
    public static final String PERMISSION_V2 = "permission-v2";

    private Capability() {}
}
