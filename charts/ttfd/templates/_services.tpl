{{/*
The long-running services. Adding one is an entry here, its environment in _env-<name>.tpl
(define "ttfd.env.<name>") and its values key; the Deployment, Service, PDB, HPA, NetworkPolicy
and ServiceMonitor templates range over this list.
  name: the folder under services/ and the image suffix; key: its values key;
  port: the one HTTP port (/healthz, /readyz, /metrics); ingressPath: routed by the Ingress;
  autoscaling: may have an HPA.
*/}}
{{- define "ttfd.services" -}}
- name: website
  key: website
  port: 3000
  ingressPath: /
  ingressPathType: Prefix
  autoscaling: true
- name: telegram
  key: telegram
  port: 8081
  ingressPath: /telegram/webhook
  ingressPathType: Exact
  autoscaling: false
- name: discord
  key: discord
  port: 8082
  autoscaling: false
- name: sync-worker
  key: syncWorker
  port: 8083
  autoscaling: true
{{- end }}
