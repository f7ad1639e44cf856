"""参保缴费证明 (F3, H4): what a certificate states (facts), issuing it with a verification code,
the uploaded list of people to certify, and the bulk print job. The public page is
views/certificate_verify.py, the employer's screen views/certificates.py, the form
reports/certificate.py."""
