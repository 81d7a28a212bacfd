-- Amazon connector: a neutralized copy never talks to Amazon with the production
-- seller's credentials. Accounts are archived (the crons only take active ones) and
-- lose their LWA client secret, refresh token and endpoint override; page tokens of
-- runs are dropped; the module's crons are disabled.
UPDATE amazon_account
   SET active = false,
       lwa_client_secret = NULL,
       refresh_token = NULL,
       endpoint_override = NULL;
UPDATE amazon_sync_run
   SET next_page_token = NULL
 WHERE next_page_token IS NOT NULL;
UPDATE ir_cron
   SET active = false
 WHERE id IN (SELECT res_id
                FROM ir_model_data
               WHERE module = 'sale_amazon_connector'
                 AND model = 'ir.cron');
