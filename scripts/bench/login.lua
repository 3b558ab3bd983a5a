-- wrk script: clients that keep logging in through the API with a correct password.
-- The ID number and password come from the environment (BENCH_LOGIN_ID, BENCH_LOGIN_PASSWORD).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"id_number":"%s","password":"%s"}', os.getenv("BENCH_LOGIN_ID"), os.getenv("BENCH_LOGIN_PASSWORD"))
