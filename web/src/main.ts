// The foundation's page: proves the static build is served beside the API on one origin.
// The web client issue replaces it with the intranet's single-page app.
const status = document.querySelector<HTMLParagraphElement>('#health');
fetch('/api/health')
  .then(async (response) => {
    const body = (await response.json()) as { version: string; dynamodb: string };
    if (status) status.textContent = `Backend ${body.version}: DynamoDB ${body.dynamodb}.`;
  })
  .catch(() => {
    if (status) status.textContent = 'The backend does not answer.';
  });
