"""What the Integration Centre's vendor systems (iDesk, TTHC), the document-exchange
platform and the Government Cipher Committee need from us, built from the recorded
allocation: tenant manifests (`manifest`, schema in `schema/`), their CSV form
(`csvform`), agency names (`agency`) and the workspace data they read (`source`).
"""
