/** Where a draft's resources are, as every answer about a draft gives them. */
export const links = (id: string) => ({
  self: `/v1/drafts/${id}`,
  events: `/v1/drafts/${id}/events`,
  plan: `/v1/drafts/${id}/plan.md`,
});
