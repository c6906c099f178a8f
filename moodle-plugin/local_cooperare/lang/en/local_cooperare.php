<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

/**
 * English strings for local_cooperare.
 *
 * @package    local_cooperare
 * @category   string
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['cohortsyncdisabled'] = 'Cannot set up {$a}: the "Cohort sync" enrolment method is disabled on this site. Enable it in Site administration > Plugins > Enrolments > Manage enrol plugins.';
$string['completionlocked'] = 'The completion criteria of course {$a} cannot be changed: users have already completed activities or the course against the current criteria. Send unlock = 1 to change them anyway (their course completion data is then recalculated).';
$string['cooperare:provision'] = 'Provision courses through the Cooperare web services (sections, activities, quiz questions, completion, cohort sync) and put files into users\' private files';
$string['enrolmethoddisabled'] = 'Cannot set up {$a}: this enrolment method is disabled on this site. Enable it in Site administration > Plugins > Enrolments > Manage enrol plugins.';
$string['notmanaged'] = '{$a} was not created by the Cooperare plugin, so the plugin does not delete it.';
$string['pluginname'] = 'Cooperare (ACoR) provisioning services';
$string['privacy:metadata'] = 'The Cooperare provisioning services plugin stores no personal data. It only records which course sections, activities, questions, completion criteria, enrolment methods and calendar events it created or updated, with hashes of their settings. The certificate verification page it serves holds certificate records encrypted so that each can be read only with that certificate\'s serial; the records are kept by the issuing tool, which publishes them again after every change.';
$string['quizhasattempts'] = 'The questions of {$a} cannot be reordered, added or removed because the quiz already has attempts. Changed questions still get a new version; delete the attempts first to change the structure.';
$string['registered'] = 'You are registered for this event.';
$string['userfileexists'] = '{$a}: the user\'s private files already hold a different file with this name. Send overwrite = 1 to replace it.';
$string['verifynotpublished'] = 'No verification page has been published on this site yet.';
