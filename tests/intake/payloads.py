"""Realistic payloads per tool, with the field names the tools document (reference/siem-payloads.md)."""

SPLUNK = {
    "sid": "scheduler__admin__search__RMD5e461b39d0e5ba3e0_at_1763889000_1234",
    "search_name": "Brute force against VPN",
    "app": "search",
    "owner": "admin",
    "results_link": "https://splunk.example:8000/app/search/search?q=%7Cloadjob%20scheduler__admin",
    "result": {
        "_time": "1763889011.000",
        "host": "vpn-gw-02",
        "src": "203.0.113.45",
        "user": "j.devries",
        "count": "148",
        "severity": "high",
    },
}

ELASTIC = {
    "rule": {
        "id": "c1e5a2f0-7d1b-11ee-b962-0242ac120002",
        "name": "Ransomware file extension observed",
        "tags": ["ransomware", "endpoint"],
        "url": "https://kibana.example/app/security/rules/id/c1e5a2f0",
    },
    "date": "2026-11-23T09:14:02.114Z",
    "alert": {
        "id": "host-epd-app-03",
        "uuid": "6b3f1e52-2a9f-4c2e-9f63-8f4f2f3a9c11",
        "actionGroup": "default",
        "actionGroupName": "Default",
    },
    "context": {
        "reason": "file event with extension .lockbit by svc_backup on epd-app-03",
        "timestamp": "2026-11-23T09:13:58.000Z",
        "severity": "critical",
        "host": "epd-app-03",
    },
}

SENTINEL = {
    "eventUniqueId": "e7a3c4f1-0c1b-4bde-9a55-5f2f0f7b3e21",
    "objectSchemaType": "Incident",
    "objectEventType": "Create",
    "workspaceInfo": {"SubscriptionId": "0000", "ResourceGroupName": "soc", "WorkspaceName": "soc-ws"},
    "workspaceId": "9f1d5c1e-1234-4c1a-9a0b-6f3e2f1a0b9c",
    "object": {
        "id": "/subscriptions/0000/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/soc-ws"
        "/providers/Microsoft.SecurityInsights/Incidents/3f2b1c7d-0000-4a6b-8c9d-1e2f3a4b5c6d",
        "name": "3f2b1c7d-0000-4a6b-8c9d-1e2f3a4b5c6d",
        "type": "Microsoft.SecurityInsights/Incidents",
        "properties": {
            "title": "Suspicious sign-in followed by mass download",
            "description": "Impossible travel, then 4,000 files downloaded from SharePoint",
            "severity": "High",
            "status": "New",
            "incidentNumber": 4711,
            "incidentUrl": "https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident/3f2b1c7d",
            "createdTimeUtc": "2026-11-23T09:20:11.1234567Z",
            "firstActivityTimeUtc": "2026-11-23T08:58:00Z",
            "lastActivityTimeUtc": "2026-11-23T09:15:00Z",
            "lastModifiedTimeUtc": "2026-11-23T09:20:11.1234567Z",
            "labels": [{"labelName": "host:sp-online", "labelType": "User"}],
            "providerName": "Azure Sentinel",
        },
    },
}

WAZUH = {
    "id": "1763889321.1548392",
    "timestamp": "2026-11-23T09:15:21.457+0000",
    "rule": {
        "id": "5712",
        "level": 10,
        "description": "sshd: brute force trying to get access to the system. Non existent user.",
        "groups": ["syslog", "sshd", "authentication_failures"],
        "firedtimes": 12,
    },
    "agent": {"id": "007", "name": "lab-db-01", "ip": "10.20.0.17"},
    "manager": {"name": "wazuh-manager"},
    "full_log": "Nov 23 09:15:21 lab-db-01 sshd[2231]: Invalid user admin from 198.51.100.7 port 51234",
    "location": "/var/log/auth.log",
    "data": {"srcip": "198.51.100.7", "srcuser": "admin"},
}

GRAYLOG = {
    "event_definition_id": "6470d2f5a1b2c3d4e5f60718",
    "event_definition_type": "aggregation-v1",
    "event_definition_title": "Many failed logins on domain controller",
    "event_definition_description": "More than 50 failed logins in 5 minutes",
    "job_definition_id": "6470d2f5a1b2c3d4e5f60719",
    "job_trigger_id": "6470d2f5a1b2c3d4e5f6071a",
    "event": {
        "id": "01JDB6H5ZK3Y8M2C9QF4T7W1XA",
        "event_definition_type": "aggregation-v1",
        "event_definition_id": "6470d2f5a1b2c3d4e5f60718",
        "origin_context": "urn:graylog:message:es:graylog_0:199a616d",
        "timestamp": "2026-11-23T09:16:40.000Z",
        "timestamp_processing": "2026-11-23T09:16:41.120Z",
        "message": "Many failed logins on domain controller: count()=73",
        "source": "dc01.zrl.local",
        "key_tuple": ["dc01.zrl.local"],
        "key": "dc01.zrl.local",
        "priority": 3,
        "alert": True,
        "fields": {"username": "administrator"},
    },
    "backlog": [],
}

THEHIVE = {
    "_id": "~41877680",
    "requestId": "a1b2c3d4e5f6:-1e2f3a:18c8d9e0f1a:-7ff2:1234",
    "action": "create",
    "operation": "Creation",
    "objectId": "~40964280",
    "objectType": "Case",
    "rootId": "~40964280",
    "startDate": 1763889420123,
    "organisation": "ZRL",
    "details": {},
    "object": {
        "_id": "~40964280",
        "title": "Phishing campaign against finance department",
        "severity": 3,
        "tlp": 2,
        "pap": 2,
        "status": "New",
        "tags": ["phishing", "finance"],
        "number": 118,
    },
}
