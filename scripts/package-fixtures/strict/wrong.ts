import 'panta-user-management';
document.querySelector('panta-user-management')!.theme = 'blue';
