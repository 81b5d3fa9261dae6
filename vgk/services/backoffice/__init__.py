"""The administration's own rules: orders seen and moved by admins and the accounting exports
(`admin_orders`), the dashboard's figures (`analytics`), the audit log every admin and staff change
writes (`audit`), people and their roles (`directory`), and the reference data — cities, pickup points,
categories (`places`) and the settings admins change without a deployment (`settings`)."""
